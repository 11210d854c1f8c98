-- Runs once, when the postgres container initialises an empty data volume
-- (/docker-entrypoint-initdb.d). Creates the database of each service, as
-- ensure_databases in tools/scripts/lib.sh does for `npm start`: credit_<service>.
-- Each service creates its own tables (migrations) when it starts.
CREATE DATABASE credit_application;
CREATE DATABASE credit_scoring;
CREATE DATABASE credit_disbursement;
CREATE DATABASE credit_repayment;
CREATE DATABASE credit_ledger;
