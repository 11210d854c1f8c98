#!/usr/bin/env bash
# npm test: installs what is missing, checks format, lint and types, then runs the unit,
# integration and e2e tiers against a real Kafka broker and PostgreSQL that it starts for them,
# and stops what it started. Exits non-zero on any failure.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO_ROOT"

ensure_node_modules
load_env

# The tests get their own broker, ports and databases, so they never touch a running `npm start`.
export KAFKA_PORT="${TEST_KAFKA_PORT:-19092}"
export KAFKA_CONTROLLER_PORT="${TEST_KAFKA_CONTROLLER_PORT:-19093}"
export KAFKA_DATA_DIR="${TEST_KAFKA_DATA_DIR:-${HOME:-/root}/.cache/credit-platform/kafka-test-data}"
export KAFKA_BROKERS="127.0.0.1:${KAFKA_PORT}"
export TEST_POSTGRES_URL="${POSTGRES_URL}"
export LOG_LEVEL="${TEST_SERVICE_LOG_LEVEL:-info}"
E2E_PORT_OFFSET="${TEST_E2E_PORT_OFFSET:-100}"
RESULTS_DIR="$REPO_ROOT/tmp/test-results"
LOG_DIR="$REPO_ROOT/tmp/test-logs"
rm -rf "$RESULTS_DIR" "$LOG_DIR"
mkdir -p "$RESULTS_DIR" "$LOG_DIR"

pids=()
pid_names=()
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  ((${#pids[@]})) && stop_pids "${pids[@]}"
  bash tools/scripts/kafka.sh stop >/dev/null 2>&1 || true
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

summary() {
  node -e '
    const fs = require("fs"); let passed = 0, failed = 0;
    for (const f of fs.readdirSync(process.argv[1], { recursive: true })) {
      if (!f.endsWith(".json")) continue;
      const r = JSON.parse(fs.readFileSync(process.argv[1] + "/" + f, "utf8"));
      passed += r.numPassedTests; failed += r.numFailedTests + r.numRuntimeErrorTestSuites;
    }
    console.log(`${passed} passed, ${failed} failed`);' "$RESULTS_DIR"
}

# hledger checks the ledger's exported books in the integration tier (Debian package).
if ! command -v hledger >/dev/null; then
  say "installing hledger (Debian package) for the books check"
  if [[ $(id -u) -eq 0 ]]; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hledger) >/dev/null
  else
    sudo -n sh -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hledger' >/dev/null
  fi
  command -v hledger >/dev/null || fail "hledger could not be installed: apt-get install hledger"
fi

say "static checks: format"
npx prettier --check . --log-level warn

# Every project's lint (zero warnings), strict types and unit specs, through Nx: a task whose
# inputs did not change is read from the cache (.nx/cache), with its unit results JSON
# (tmp/test-results/unit/<project>.json, read by the summary below).
say "static checks and unit tier (Nx): lint, typecheck, test"
NX_DAEMON=false npx nx run-many -t lint typecheck test --outputStyle=static
npm run -s lint:openapi # the generated OpenAPI documents, Redocly's recommended rules

say "production build: every service compiled by swc into dist/ (the e2e tier runs it)"
NX_DAEMON=false npx nx run-many -t build --outputStyle=static
node tools/build/check-runtime-deps.js # the image installs only production dependencies

say "starting a clean Kafka broker for the tests on ${KAFKA_BROKERS}"
fresh_broker

say "integration tier (real PostgreSQL and Kafka)"
npx jest -c jest.integration.config.js --runInBand --json --outputFile="$RESULTS_DIR/integration.json"

say "e2e tier: every service, through their public APIs, on a fresh broker"
# The integration tier leaves events on the broker; the e2e services must not consume them.
fresh_platform credit_e2e_
for svc in "${SERVICES[@]}"; do export "E2E_${svc^^}_URL=http://127.0.0.1:$((SERVICE_PORT[$svc] + E2E_PORT_OFFSET))"; done
# Services find each other on the e2e ports; the simulated bank declines one sandbox amount.
export REPAYMENT_URL="$E2E_REPAYMENT_URL" LEDGER_URL="$E2E_LEDGER_URL"
export RAIL_DECLINE_AMOUNT="${RAIL_DECLINE_AMOUNT:-4040.40}"
export COB_SCHEDULE_ENABLED=false SETTLEMENT_SCHEDULE_ENABLED=false RECONCILIATION_CHECK_INTERVAL_MS=2000
# From the production build, with plain node: the e2e tier proves the build (npm start and the
# integration tier run the TypeScript sources through the loader).
SERVICE_RUNTIME=dist start_all_services "$E2E_PORT_OFFSET" credit_e2e_ "$LOG_DIR"
npx jest -c jest.e2e.config.js --runInBand --json --outputFile="$RESULTS_DIR/e2e.json"

summary
