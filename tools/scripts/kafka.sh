#!/usr/bin/env bash
# Run a real single-node Apache Kafka 4.x broker (KRaft, broker+controller in
# one JVM) from jars that Maven fetches from Maven Central. No docker needed.
#
#   tools/scripts/kafka.sh fetch    # download jars into the cache (idempotent)
#   tools/scripts/kafka.sh start    # fetch, format storage if needed, start, wait until ready
#   tools/scripts/kafka.sh stop     # SIGTERM, bounded wait, SIGKILL; exit 0 if not running
#   tools/scripts/kafka.sh status   # exit 0 iff running and answering the Kafka protocol
#   tools/scripts/kafka.sh reset    # stop and delete the data dir
#   tools/scripts/kafka.sh logs     # tail the broker log
#
# Environment overrides (defaults in brackets):
#   KAFKA_VERSION          [4.1.1]
#   KAFKA_CACHE_DIR        [$HOME/.cache/credit-platform/kafka-$KAFKA_VERSION]  jars
#   KAFKA_DATA_DIR         [$HOME/.cache/credit-platform/kafka-data]            storage, logs, pid
#   KAFKA_PORT             [9092]   PLAINTEXT listener on 127.0.0.1
#   KAFKA_CONTROLLER_PORT  [9093]   CONTROLLER listener on 127.0.0.1
#   KAFKA_HEAP_OPTS        [-Xmx512m -Xms512m]
#   KAFKA_START_TIMEOUT    [90]     seconds to wait for the broker to answer
#   KAFKA_STOP_TIMEOUT     [30]     seconds to wait after SIGTERM before SIGKILL
#   KAFKA_CLUSTER_ID       [random] cluster id used when formatting new storage
#   JAVA_HOME              [java from PATH]
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"
KAFKA_TOOLS_DIR="$REPO_ROOT/tools/kafka"

KAFKA_VERSION="${KAFKA_VERSION:-4.1.1}"
CACHE_BASE="${HOME:-/root}/.cache/credit-platform"
KAFKA_CACHE_DIR="${KAFKA_CACHE_DIR:-$CACHE_BASE/kafka-$KAFKA_VERSION}"
KAFKA_DATA_DIR="${KAFKA_DATA_DIR:-$CACHE_BASE/kafka-data}"
KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xmx512m -Xms512m}"
KAFKA_START_TIMEOUT="${KAFKA_START_TIMEOUT:-90}"
KAFKA_STOP_TIMEOUT="${KAFKA_STOP_TIMEOUT:-30}"

LIBS_DIR="$KAFKA_CACHE_DIR/libs"
MARKER="$KAFKA_CACHE_DIR/.fetch-complete"
POM="$KAFKA_TOOLS_DIR/pom.xml"
STORAGE_DIR="$KAFKA_DATA_DIR/kraft-logs"
PID_FILE="$KAFKA_DATA_DIR/kafka.pid"
PROPS_FILE="$KAFKA_DATA_DIR/server.properties"
PORTS_FILE="$KAFKA_DATA_DIR/.formatted-ports"
BROKER_LOG="$KAFKA_DATA_DIR/server.log"
BROKER_OUT="$KAFKA_DATA_DIR/kafka.out"
BOOTSTRAP="127.0.0.1:$KAFKA_PORT"

if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then
  JAVA="$JAVA_HOME/bin/java"
else
  JAVA="java"
fi

log() { printf '[kafka.sh] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# Serialize concurrent invocations on the same directory (parallel test jobs).
with_lock() {
  local lockfile="$1"; shift
  if command -v flock >/dev/null 2>&1; then
    mkdir -p "$(dirname "$lockfile")"
    (
      flock -w 300 9 || die "could not lock $lockfile"
      "$@"
    ) 9>"$lockfile"
  else
    "$@"
  fi
}

pom_hash() {
  { cat "$POM"; echo "$KAFKA_VERSION"; } | sha256sum | cut -d' ' -f1
}

fetch_is_complete() {
  [[ -f "$MARKER" && -d "$LIBS_DIR" ]] && [[ "$(cat "$MARKER")" == "$(pom_hash)" ]]
}

do_fetch() {
  if fetch_is_complete; then
    return 0
  fi
  command -v mvn >/dev/null 2>&1 || die "mvn not found on PATH (needed to fetch Kafka $KAFKA_VERSION jars)"
  log "fetching Apache Kafka $KAFKA_VERSION jars into $LIBS_DIR (Maven Central) ..."
  local started=$SECONDS tmp="$KAFKA_CACHE_DIR/libs.tmp.$$"
  rm -rf "$tmp"
  mkdir -p "$tmp"
  if ! mvn -q -B -Dstyle.color=never -f "$POM" \
        -Dkafka.version="$KAFKA_VERSION" \
        dependency:copy-dependencies \
        -DoutputDirectory="$tmp" \
        -DincludeScope=runtime >"$KAFKA_CACHE_DIR/fetch.log" 2>&1; then
    rm -rf "$tmp"
    tail -n 40 "$KAFKA_CACHE_DIR/fetch.log" >&2 || true
    die "mvn dependency:copy-dependencies failed for Kafka $KAFKA_VERSION (log: $KAFKA_CACHE_DIR/fetch.log)"
  fi
  ls "$tmp"/kafka_2.13-*.jar >/dev/null 2>&1 || { rm -rf "$tmp"; die "kafka_2.13 jar missing after fetch"; }
  rm -rf "$LIBS_DIR" "$MARKER"
  mv "$tmp" "$LIBS_DIR"
  pom_hash >"$MARKER"
  log "fetched $(find "$LIBS_DIR" -name '*.jar' | wc -l) jars in $((SECONDS - started))s"
}

fetch() {
  fetch_is_complete && return 0
  mkdir -p "$KAFKA_CACHE_DIR"
  with_lock "$KAFKA_CACHE_DIR/.lock" do_fetch
}

# Command prefix for Kafka CLI classes: small client JVM, logging errors only.
KAFKA_TOOL=()
init_kafka_tool() {
  KAFKA_TOOL=("$JAVA" -Xmx256m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC
    -Dlog4j2.level=ERROR -cp "$LIBS_DIR/*")
}
init_kafka_tool

kafka_tool() { "${KAFKA_TOOL[@]}" "$@"; }

read_pid() {
  [[ -f "$PID_FILE" ]] && tr -dc '0-9' <"$PID_FILE" || true
}

# True if process $1 exists and is not a zombie (our own exited child stays a
# zombie until reaped, and kill -0 succeeds on zombies).
proc_alive() {
  local pid="$1" state
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 1
  if [[ -r "/proc/$pid/stat" ]]; then
    state="$(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null | cut -d' ' -f1 || true)"
    [[ "$state" != Z && "$state" != X ]] || return 1
  fi
  return 0
}

# True if $1 is a live kafka.Kafka JVM (guards against pid reuse).
is_broker_pid() {
  local pid="$1"
  proc_alive "$pid" || return 1
  if [[ -r "/proc/$pid/cmdline" ]]; then
    local cmdline
    cmdline="$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null || true)"
    [[ "$cmdline" == *kafka.Kafka* ]] || return 1
  fi
  return 0
}

running_pid() {
  local pid
  pid="$(read_pid)"
  if is_broker_pid "$pid"; then
    echo "$pid"
    return 0
  fi
  return 1
}

tcp_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Kafka-protocol level check: an ApiVersions round-trip with the broker.
answers_kafka() {
  tcp_open "$KAFKA_PORT" || return 1
  [[ -d "$LIBS_DIR" ]] || return 1
  local cfg="$KAFKA_DATA_DIR/.probe.properties"
  mkdir -p "$KAFKA_DATA_DIR"
  printf 'request.timeout.ms=5000\ndefault.api.timeout.ms=8000\n' >"$cfg"
  timeout 30 "${KAFKA_TOOL[@]}" org.apache.kafka.tools.BrokerApiVersionsCommand \
    --bootstrap-server "$BOOTSTRAP" --command-config "$cfg" >/dev/null 2>&1
}

render_props() {
  sed -e "s#@KAFKA_PORT@#$KAFKA_PORT#g" \
      -e "s#@KAFKA_CONTROLLER_PORT@#$KAFKA_CONTROLLER_PORT#g" \
      -e "s#@KAFKA_LOG_DIRS@#$STORAGE_DIR#g" \
      "$KAFKA_TOOLS_DIR/server.properties.template" >"$PROPS_FILE"
}

format_if_needed() {
  local ports="$KAFKA_PORT $KAFKA_CONTROLLER_PORT"
  if [[ -f "$STORAGE_DIR/meta.properties" ]]; then
    if [[ -f "$PORTS_FILE" && "$(cat "$PORTS_FILE")" != "$ports" ]]; then
      die "storage in $KAFKA_DATA_DIR was formatted for ports '$(cat "$PORTS_FILE")', not '$ports'; run '$0 reset' first"
    fi
    return 0
  fi
  rm -rf "$STORAGE_DIR"
  local cluster_id="${KAFKA_CLUSTER_ID:-}"
  if [[ -z "$cluster_id" ]]; then
    cluster_id="$(kafka_tool kafka.tools.StorageTool random-uuid | tail -n1 | tr -d '[:space:]')"
  fi
  [[ -n "$cluster_id" ]] || die "could not generate a cluster id"
  log "formatting $STORAGE_DIR (cluster id $cluster_id, standalone KRaft controller)"
  kafka_tool kafka.tools.StorageTool format --standalone \
    --cluster-id "$cluster_id" --config "$PROPS_FILE" --ignore-formatted >&2 \
    || die "StorageTool format failed"
  echo "$ports" >"$PORTS_FILE"
}

print_log_tail() {
  local f
  for f in "$BROKER_OUT" "$BROKER_LOG"; do
    if [[ -s "$f" ]]; then
      log "---- last lines of $f ----"
      tail -n 60 "$f" >&2
    fi
  done
}

do_start() {
  local pid
  if pid="$(running_pid)"; then
    if answers_kafka; then
      echo "Kafka $KAFKA_VERSION already running (pid $pid) on $BOOTSTRAP"
      return 0
    fi
    log "broker pid $pid is alive but not answering yet; waiting"
  else
    rm -f "$PID_FILE"
    if tcp_open "$KAFKA_PORT"; then
      die "port $KAFKA_PORT is already in use by a process not managed by $0 (pid file $PID_FILE)"
    fi
    command -v "$JAVA" >/dev/null 2>&1 || die "java not found (set JAVA_HOME or install a JDK 17+)"
    fetch
    mkdir -p "$KAFKA_DATA_DIR"
    render_props
    format_if_needed

    log "starting Kafka $KAFKA_VERSION on $BOOTSTRAP (data: $KAFKA_DATA_DIR)"
    local launcher=()
    command -v setsid >/dev/null 2>&1 && launcher=(setsid)
    # shellcheck disable=SC2086 # KAFKA_HEAP_OPTS is intentionally word-split
    nohup "${launcher[@]}" "$JAVA" $KAFKA_HEAP_OPTS \
      -server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 \
      -XX:+ExplicitGCInvokesConcurrent -Djava.awt.headless=true \
      -Dkafka.logs.dir="$KAFKA_DATA_DIR" \
      -Dlog4j2.configurationFile="$KAFKA_TOOLS_DIR/log4j2.xml" \
      -cp "$LIBS_DIR/*" kafka.Kafka "$PROPS_FILE" \
      </dev/null >"$BROKER_OUT" 2>&1 9>&- &
    pid=$!
    echo "$pid" >"$PID_FILE"
  fi

  local deadline=$((SECONDS + KAFKA_START_TIMEOUT))
  while ((SECONDS < deadline)); do
    # Plain liveness here: right after the fork the child has not exec'd java yet.
    if ! proc_alive "$pid"; then
      rm -f "$PID_FILE"
      print_log_tail
      die "Kafka broker process $pid exited during startup"
    fi
    if answers_kafka; then
      echo "Kafka $KAFKA_VERSION ready on $BOOTSTRAP (pid $pid, data $KAFKA_DATA_DIR)"
      return 0
    fi
    sleep 1
  done
  print_log_tail
  die "Kafka broker (pid $pid) did not answer on $BOOTSTRAP within ${KAFKA_START_TIMEOUT}s (still running; '$0 stop' to kill it)"
}

do_stop() {
  local pid
  if ! pid="$(running_pid)"; then
    rm -f "$PID_FILE"
    echo "Kafka is not running"
    return 0
  fi
  log "stopping Kafka (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + KAFKA_STOP_TIMEOUT))
  while ((SECONDS < deadline)) && kill -0 "$pid" 2>/dev/null; do
    sleep 0.5
  done
  if kill -0 "$pid" 2>/dev/null; then
    log "pid $pid still alive after ${KAFKA_STOP_TIMEOUT}s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    local i
    for i in $(seq 1 20); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.25
    done
  fi
  rm -f "$PID_FILE"
  echo "Kafka stopped"
}

do_status() {
  local pid
  if pid="$(running_pid)" && answers_kafka; then
    echo "Kafka $KAFKA_VERSION running (pid $pid) on $BOOTSTRAP"
    return 0
  fi
  if [[ -n "${pid:-}" ]]; then
    echo "Kafka process $pid is alive but not answering on $BOOTSTRAP"
  else
    echo "Kafka is not running"
  fi
  return 1
}

do_reset() {
  do_stop
  case "$KAFKA_DATA_DIR" in
    "" | "/" | "$HOME" | "$HOME/" | "$REPO_ROOT" | "$REPO_ROOT/")
      die "refusing to delete KAFKA_DATA_DIR='$KAFKA_DATA_DIR'" ;;
  esac
  rm -rf "$KAFKA_DATA_DIR"
  echo "Kafka data dir $KAFKA_DATA_DIR removed"
}

usage() {
  sed -n '2,23p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

main() {
  local cmd="${1:-}"
  case "$cmd" in
    fetch) fetch; echo "Kafka $KAFKA_VERSION jars ready in $LIBS_DIR" ;;
    start) mkdir -p "$KAFKA_DATA_DIR"; with_lock "$KAFKA_DATA_DIR.lock" do_start ;;
    stop) mkdir -p "$KAFKA_DATA_DIR"; with_lock "$KAFKA_DATA_DIR.lock" do_stop ;;
    status) do_status ;;
    reset) mkdir -p "$KAFKA_DATA_DIR"; with_lock "$KAFKA_DATA_DIR.lock" do_reset ;;
    logs) tail -n "${2:-100}" "$BROKER_LOG" ;;
    -h | --help | help) usage ;;
    *) usage >&2; exit 2 ;;
  esac
}

main "$@"
