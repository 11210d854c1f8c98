#!/usr/bin/env bash
# npm run bench: the ledger against the database's own limit (pgbench), balance reads, then the
# whole platform on its own broker, ports and databases (scoring, originations end to end,
# replay). Writes bench/results/<timestamp>.json (and latest.json) and prints Markdown tables.
# Not part of `npm test`. Knobs (defaults): BENCH_CASE_SECONDS (5), BENCH_BATCH_SIZES (1,10,100),
# BENCH_CONCURRENCY (1,4,16), BENCH_BALANCE_LINES (1000,1000000), BENCH_SCORING_SECONDS (10),
# BENCH_E2E_RATES (2,5,10,20,40,80), BENCH_E2E_STEP_SECONDS (20), BENCH_LEDGER_INSTANCES (2);
# BENCH_SKIP_DATABASE or BENCH_SKIP_PLATFORM (set to anything) leave a part out; BENCH_TRACING=0
# runs the platform without tracing (no hop table from spans); BENCH_RECONCILIATION_LOANS
# (100000), BENCH_SKIP_RECONCILIATION leaves reconciliation at scale out; BENCH_PORTFOLIO_LOANS
# (100000), BENCH_SKIP_PORTFOLIO leaves the portfolio's reports at scale out.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../tools/scripts/lib.sh"
cd "$REPO_ROOT"

# Its own broker, ports (3201-3205) and databases (credit_bench_*), beside npm start and npm test.
export KAFKA_PORT="${BENCH_KAFKA_PORT:-29092}"
export KAFKA_CONTROLLER_PORT="${BENCH_KAFKA_CONTROLLER_PORT:-29093}"
export KAFKA_DATA_DIR="${BENCH_KAFKA_DATA_DIR:-${HOME:-/root}/.cache/credit-platform/kafka-bench-data}"
export KAFKA_BROKERS="127.0.0.1:${KAFKA_PORT}"
export LOG_LEVEL="${BENCH_SERVICE_LOG_LEVEL:-warn}"
BENCH_PORT_OFFSET="${BENCH_PORT_OFFSET:-200}"
export REPAYMENT_URL="http://127.0.0.1:$((SERVICE_PORT[repayment] + BENCH_PORT_OFFSET))"
export LEDGER_URL="http://127.0.0.1:$((SERVICE_PORT[ledger] + BENCH_PORT_OFFSET))"
# No background jobs during the measurements; the simulated bank pays every draw.
export COB_SCHEDULE_ENABLED=false SETTLEMENT_SCHEDULE_ENABLED=false RECONCILIATION_SCHEDULE_ENABLED=false
export RAIL_FAILURE_RATE=0 RAIL_LATE_RATE=0
ensure_node_modules
load_env

LOG_DIR="$REPO_ROOT/tmp/bench/logs"
rm -rf "$REPO_ROOT/tmp/bench"
mkdir -p "$LOG_DIR"
bench() { node -r ./tools/runtime/register.js bench/run.ts "$@"; }

pids=()
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  ((${#pids[@]})) && stop_pids "${pids[@]}"
  # The span receiver last, after the services' final exports (not in pids: start_all_services
  # finds each service's pid by its index there).
  [[ -n "${receiver_pid:-}" ]] && stop_pids "$receiver_pid"
  bash tools/scripts/kafka.sh stop >/dev/null 2>&1 || true
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [[ -z "${BENCH_SKIP_DATABASE:-}" ]]; then
  say "part 1: ledger postings against the pgbench ceiling, balance reads"
  bench database
fi

if [[ -z "${BENCH_SKIP_PLATFORM:-}" ]]; then
  say "part 2: the platform on a fresh broker at ${KAFKA_BROKERS} and ports 3201-3205"
  fresh_platform credit_bench_
  if [[ "${BENCH_TRACING:-1}" != 0 ]]; then
    # The services export their spans to the bench's own OTLP/HTTP receiver (tmp/bench/spans.ndjson).
    otlp_port="${BENCH_OTLP_PORT:-$((4318 + BENCH_PORT_OFFSET))}"
    node -r ./tools/runtime/register.js bench/trace-receiver.ts "$otlp_port" "$REPO_ROOT/tmp/bench/spans.ndjson" \
      2>>"$LOG_DIR/trace-receiver.log" &
    receiver_pid=$!
    export TRACING_OTLP_ENDPOINT="http://127.0.0.1:${otlp_port}"
  fi
  start_all_services "$BENCH_PORT_OFFSET" credit_bench_ "$LOG_DIR"
  bench platform
fi

if [[ -z "${BENCH_SKIP_RECONCILIATION:-}" ]]; then
  say "part 3: reconciliation at ${BENCH_RECONCILIATION_LOANS:-100000} loans (bulk-loaded ledger database)"
  bench reconciliation
fi

if [[ -z "${BENCH_SKIP_PORTFOLIO:-}" ]]; then
  say "part 4: the portfolio's reports at ${BENCH_PORTFOLIO_LOANS:-100000} loans (bulk-loaded portfolio database)"
  bench portfolio
fi

bench report
