#!/usr/bin/env bash
# Each service's database credit_<service> and its roles, as ensure_databases in
# tools/scripts/lib.sh does for `npm start`: credit_<service>_owner (owns the tables, runs the
# migrations) and credit_<service>_app (what the service connects as), from
# tools/scripts/database-roles.sql (mounted at /credit/database-roles.sql), with the passwords
# DATABASE_OWNER_PASSWORD and DATABASE_APP_PASSWORD of the postgres container.
#
# Runs once, when the postgres container initialises an empty data volume
# (/docker-entrypoint-initdb.d). Idempotent: on a volume from before the roles existed, run it by
# hand (it hands the existing tables to the owner role):
#   docker compose exec postgres /docker-entrypoint-initdb.d/10-credit-databases.sh
set -euo pipefail

admin=(psql -v ON_ERROR_STOP=1 -qtA --username "${POSTGRES_USER:-postgres}")
for service in application scoring disbursement repayment ledger portfolio; do
  database="credit_${service}"
  if [[ -z "$("${admin[@]}" --dbname postgres -c "SELECT 1 FROM pg_database WHERE datname = '${database}'")" ]]; then
    "${admin[@]}" --dbname postgres -c "CREATE DATABASE ${database}"
  fi
  "${admin[@]}" --dbname "$database" -v service="$service" \
    -v owner_password="${DATABASE_OWNER_PASSWORD:-}" -v app_password="${DATABASE_APP_PASSWORD:-}" \
    >/dev/null <<'SQL'
SELECT set_config('credit.service', :'service', false),
       set_config('credit.owner_password', :'owner_password', false),
       set_config('credit.app_password', :'app_password', false);
\i /credit/database-roles.sql
SQL
done
