#!/usr/bin/env bash
# npm start: installs what is missing, starts Kafka and the six services, seeds demo data,
# prints where everything is, and stops it all on Ctrl-C.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO_ROOT"

ensure_node_modules
load_env
LOG_DIR="${LOG_DIR:-$REPO_ROOT/tmp/logs}"
mkdir -p "$LOG_DIR"

started_kafka=0
pids=()
pid_names=()
cleanup() {
  trap - INT TERM EXIT
  say "stopping services"
  ((${#pids[@]})) && stop_pids "${pids[@]}"
  if ((started_kafka)); then
    say "stopping Kafka"
    bash tools/scripts/kafka.sh stop || true
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if ! bash tools/scripts/kafka.sh status >/dev/null 2>&1; then
  bash tools/scripts/kafka.sh start
  started_kafka=1
fi
npm run -s cli -- topics ensure

databases=()
for svc in "${SERVICES[@]}"; do databases+=("credit_${svc}"); done
ensure_databases "${databases[@]}"

start_all_services 0 credit_ "$LOG_DIR"

if [[ -f tools/scripts/seed.sh ]]; then bash tools/scripts/seed.sh; fi

cat <<INFO

  Credit platform is running.

  service        API                              OpenAPI
  application    http://127.0.0.1:3001            http://127.0.0.1:3001/docs
  scoring        http://127.0.0.1:3002            http://127.0.0.1:3002/docs
  disbursement   http://127.0.0.1:3003            http://127.0.0.1:3003/docs
  repayment      http://127.0.0.1:3004            http://127.0.0.1:3004/docs
  ledger         http://127.0.0.1:3005            http://127.0.0.1:3005/docs
  portfolio      http://127.0.0.1:3006            http://127.0.0.1:3006/docs
  Kafka          ${KAFKA_BROKERS}
  PostgreSQL     ${POSTGRES_URL} (databases credit_<service>; services run as credit_<service>_app)

  Development API keys (Authorization: Bearer <key>):
    operator  ${OPERATOR_API_KEY:-(unset: disabled)}   (bootstrap: issue named credentials, README "Credentials")
    admin     ${ADMIN_API_KEY:-(unset: disabled)}
  Customers: a customer token (signed with the development key of .env.example):
    TOKEN=\$(npm run -s cli -- tokens mint --national-id 19850101-1234)

  Every service: GET /health (readiness), GET /metrics (Prometheus), /docs (OpenAPI).
  Instances: ${pid_names[*]}
    (<SERVICE>_INSTANCES=n runs n of a service; instance i on the port above + 10·i)
  Logs: ${LOG_DIR}/<service>.log, <service>-<i>.log    Operator CLI: npm run cli -- health
  Press Ctrl-C to stop everything.

INFO

# Stay in the foreground until Ctrl-C or until a service dies.
while :; do
  for i in "${!pids[@]}"; do
    if ! kill -0 "${pids[$i]}" 2>/dev/null; then
      name="${pid_names[$i]}"
      say "${name} stopped unexpectedly; last lines of its log:"
      tail -n 30 "$(instance_log "$LOG_DIR" "${name%-*}" "${name##*-}")" >&2
      exit 1
    fi
  done
  sleep 2
done
