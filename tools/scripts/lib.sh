#!/usr/bin/env bash
# Shared helpers for start.sh and test.sh. Sourced, not run.

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SERVICES=(application scoring disbursement repayment ledger portfolio)
declare -A SERVICE_PORT=([application]=3001 [scoring]=3002 [disbursement]=3003 [repayment]=3004 [ledger]=3005 [portfolio]=3006)
# Several instances of a service: <SERVICE>_INSTANCES=n (e.g. LEDGER_INSTANCES=2). Instance i
# (0-based) listens on the service's port + INSTANCE_PORT_STEP·i (ledger 3005, 3015, 3025, ...),
# is named <service>-<i> (INSTANCE_ID) and joins the service's consumer group like the others.
INSTANCE_PORT_STEP=10
INSTANCES_MAX=9
# Kept below 5 s per service: `npm start` must be ready within two minutes on 2 cores.
HEALTH_TIMEOUT_S="${HEALTH_TIMEOUT_S:-120}"

say() { printf '\033[1m[credit]\033[0m %s\n' "$*"; }
fail() { printf '[credit] ERROR: %s\n' "$*" >&2; exit 1; }

# Installs node modules when they are missing or older than the lock file.
ensure_node_modules() {
  cd "$REPO_ROOT"
  if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
    say "installing node modules (npm ci)"
    npm ci --no-audit --no-fund --loglevel=error
  fi
}

# Reads .env.example, then .env, without overriding what the environment already sets.
load_env() {
  local file line key
  for file in "$REPO_ROOT/.env.example" "$REPO_ROOT/.env"; do
    [[ -f "$file" ]] || continue
    while IFS= read -r line || [[ -n "$line" ]]; do
      [[ "$line" =~ ^[[:space:]]*# || ! "$line" =~ ^[A-Z0-9_]+= ]] && continue
      key="${line%%=*}"
      [[ -n "${!key+set}" ]] || export "$key=${line#*=}"
    done < "$file"
  done
}

psql_admin() { psql "${POSTGRES_URL}/postgres" -v ON_ERROR_STOP=1 -qtA "$@"; }

# role_url ROLE PASSWORD DATABASE: a URL on the server of POSTGRES_URL as another role (the
# password, if any, must be URL-safe, e.g. `openssl rand -hex 24`).
role_url() {
  local scheme="${POSTGRES_URL%%://*}" server="${POSTGRES_URL#*://}"
  server="${server##*@}"
  echo "${scheme}://$1${2:+:$2}@${server}/$3"
}

# service_of DATABASE: the service a database belongs to (credit_ledger, credit_e2e_ledger → ledger).
service_of() { echo "${1##*_}"; }

# ensure_database_roles DATABASE: the service's owner and runtime roles and their privileges on
# the database (tools/scripts/database-roles.sql, idempotent; hands tables an earlier run created
# as postgres to the owner). DATABASE_OWNER_PASSWORD / DATABASE_APP_PASSWORD, when set, become
# the roles' passwords.
ensure_database_roles() {
  psql "${POSTGRES_URL}/$1" -v ON_ERROR_STOP=1 -qtA -v service="$(service_of "$1")" \
    -v owner_password="${DATABASE_OWNER_PASSWORD:-}" -v app_password="${DATABASE_APP_PASSWORD:-}" \
    -v roles_sql="$REPO_ROOT/tools/scripts/database-roles.sql" >/dev/null <<'SQL'
SELECT set_config('credit.service', :'service', false),
       set_config('credit.owner_password', :'owner_password', false),
       set_config('credit.app_password', :'app_password', false);
\i :roles_sql
SQL
}

# Creates each named database if it does not exist, and its roles.
ensure_databases() {
  command -v psql >/dev/null || fail "psql not found: PostgreSQL 15 client tools are needed"
  psql_admin -c 'SELECT 1' >/dev/null || fail "PostgreSQL is not reachable at ${POSTGRES_URL}"
  local db
  for db in "$@"; do
    if [[ -z "$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = '${db}'")" ]]; then
      psql_admin -c "CREATE DATABASE ${db}" >/dev/null
      say "created database ${db}"
    fi
    ensure_database_roles "$db"
  done
}

# Drops and creates each named database, with its roles (tests start from nothing).
recreate_databases() {
  local db
  for db in "$@"; do
    psql_admin -c "DROP DATABASE IF EXISTS ${db} WITH (FORCE)" >/dev/null
    psql_admin -c "CREATE DATABASE ${db}" >/dev/null
    ensure_database_roles "$db"
  done
}

# A clean broker on ${KAFKA_BROKERS} (data deleted), started, with the platform's topics.
fresh_broker() {
  bash tools/scripts/kafka.sh reset >/dev/null
  bash tools/scripts/kafka.sh start
  npm run -s cli -- topics ensure >/dev/null
}

# A clean broker and, for each service, a recreated database <prefix><service>: where a run of
# the services from nothing (the e2e tier, the bench) starts.
fresh_platform() {
  local prefix=$1 svc databases=()
  fresh_broker
  for svc in "${SERVICES[@]}"; do databases+=("${prefix}${svc}"); done
  recreate_databases "${databases[@]}"
}

# instances_of NAME: how many instances of the service to run (<NAME>_INSTANCES, default 1).
instances_of() {
  local var="${1^^}_INSTANCES" n
  n="${!var:-1}"
  [[ "$n" =~ ^[1-9]$ ]] && ((n <= INSTANCES_MAX)) || fail "${var} must be a whole number from 1 to ${INSTANCES_MAX} (got '${n}')"
  echo "$n"
}

# instance_port NAME INDEX OFFSET: the HTTP port of instance INDEX of the service.
instance_port() { echo $((SERVICE_PORT[$1] + INSTANCE_PORT_STEP * $2 + $3)); }

# instance_log LOGDIR NAME INDEX: instance 0 logs to <service>.log, the others to <service>-<i>.log.
instance_log() { if (($3 == 0)); then echo "$1/$2.log"; else echo "$1/$2-$3.log"; fi; }

# How services run: SERVICE_RUNTIME=source (default, `npm start`) compiles the TypeScript as Node
# loads it (tools/runtime/register.js, a development convenience); SERVICE_RUNTIME=dist runs the
# production build (`npx nx run-many -t build`) with plain node, as the Docker image does.
SERVICE_RUNTIME="${SERVICE_RUNTIME:-source}"

# service_command NAME: the command line that runs the service in the SERVICE_RUNTIME mode.
service_command() {
  case "$SERVICE_RUNTIME" in
    source) echo node -r ./tools/runtime/register.js "apps/$1/src/main.ts" ;;
    dist)
      [[ -f "$REPO_ROOT/dist/apps/$1/src/main.js" ]] ||
        fail "dist/apps/$1/src/main.js is missing: build first (npx nx run-many -t build)"
      echo node --enable-source-maps "dist/apps/$1/src/main.js"
      ;;
    *) fail "SERVICE_RUNTIME must be source or dist (got '${SERVICE_RUNTIME}')" ;;
  esac
}

# start_service NAME PORT DATABASE LOGFILE [INSTANCE_ID]: runs one service instance in the
# background (SERVICE_RUNTIME decides from what); prints its pid. It migrates as
# credit_<service>_owner and runs as credit_<service>_app (see ensure_database_roles).
start_service() {
  local name="$1" port="$2" database="$3" logfile="$4" instance="${5:-$1-0}" command
  command="$(service_command "$name")" || exit 1
  (
    cd "$REPO_ROOT"
    # shellcheck disable=SC2086 # the command is words without spaces inside them
    HTTP_PORT="$port" INSTANCE_ID="$instance" \
      DATABASE_URL="$(role_url "credit_${name}_app" "${DATABASE_APP_PASSWORD:-}" "$database")" \
      MIGRATIONS_DATABASE_URL="$(role_url "credit_${name}_owner" "${DATABASE_OWNER_PASSWORD:-}" "$database")" \
      exec $command
  ) >>"$logfile" 2>&1 &
  echo $!
}

# wait_healthy NAME PORT PID: waits until /health answers 200, the process dies, or time runs out.
wait_healthy() {
  local name="$1" port="$2" pid="$3" deadline=$((SECONDS + HEALTH_TIMEOUT_S))
  while ((SECONDS < deadline)); do
    if ! kill -0 "$pid" 2>/dev/null; then
      say "${name} exited before it was ready"
      return 1
    fi
    if [[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:${port}/health")" == 200 ]]; then
      return 0
    fi
    sleep 0.5
  done
  say "${name} was not ready within ${HEALTH_TIMEOUT_S}s"
  return 1
}

# stop_pids PID...: SIGTERM, a bounded wait, then SIGKILL.
stop_pids() {
  local pid deadline=$((SECONDS + 15))
  for pid in "$@"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "$@"; do
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
    kill -KILL "$pid" 2>/dev/null || true
  done
}

# start_all_services PORT_OFFSET DB_PREFIX LOG_DIR: starts the services, <SERVICE>_INSTANCES
# instances each (appending their pids to the caller's `pids` array and their names, e.g.
# ledger-1, to `pid_names`), and waits until each is ready; on failure shows the log and exits.
start_all_services() {
  local offset="$1" prefix="$2" logdir="$3" svc i n first
  first=${#pids[@]}
  for svc in "${SERVICES[@]}"; do
    n="$(instances_of "$svc")"
    for ((i = 0; i < n; i++)); do
      : >"$(instance_log "$logdir" "$svc" "$i")"
      pids+=("$(start_service "$svc" "$(instance_port "$svc" "$i" "$offset")" "${prefix}${svc}" \
        "$(instance_log "$logdir" "$svc" "$i")" "${svc}-${i}")")
      pid_names+=("${svc}-${i}")
    done
  done
  say "waiting for the services to be ready (logs in ${logdir})"
  for ((i = first; i < ${#pids[@]}; i++)); do
    local name="${pid_names[$i]}" index
    svc="${name%-*}"
    index="${name##*-}"
    wait_healthy "$name" "$(instance_port "$svc" "$index" "$offset")" "${pids[$i]}" || {
      tail -n 40 "$(instance_log "$logdir" "$svc" "$index")" >&2
      exit 1
    }
  done
}
