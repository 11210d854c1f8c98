-- The database roles of one service, on one of its databases (credit_<service>, credit_e2e_<service>,
-- credit_bench_<service>, an integration test's database). Idempotent: run it on every start.
-- Run it connected to that database as a superuser, after setting which service it is for:
--
--   SET credit.service = 'ledger';                  -- required: [a-z][a-z0-9_]*
--   SET credit.owner_password = '…';                -- optional: sets the owner role's password
--   SET credit.app_password = '…';                  -- optional: sets the runtime role's password
--
-- Used by tools/scripts/lib.sh (npm start, npm test, npm run bench), tools/docker/postgres-init.sh
-- (docker compose) and libs/platform/src/testing.ts (integration tests). Roles are cluster-wide:
-- the databases of one service share them.
--
--   credit_<service>_owner  LOGIN, owns the schema and every table: runs the migrations
--                           (MIGRATIONS_DATABASE_URL) and nothing else.
--   credit_<service>_app    LOGIN, what the service connects as (DATABASE_URL): not a superuser,
--                           owns nothing, reads and writes rows; it cannot create, alter or drop
--                           anything, nor disable a trigger. The ledger's journal (entries, lines,
--                           chain) is SELECT and INSERT only (migration LeastPrivilegeJournal).
DO $roles$
DECLARE
  service    text := current_setting('credit.service', true);
  owner_role text;
  app_role   text;
  role_name  text;
  password   text;
  object     record;
BEGIN
  IF service IS NULL OR service !~ '^[a-z][a-z0-9_]*$' THEN
    RAISE EXCEPTION 'database-roles.sql: SET credit.service to the service name first (got %)', service;
  END IF;
  owner_role := 'credit_' || service || '_owner';
  app_role := 'credit_' || service || '_app';

  -- The roles (cluster-wide), with no more attributes than they need, whatever they had before.
  FOREACH role_name IN ARRAY ARRAY[owner_role, app_role] LOOP
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = role_name) THEN
      BEGIN
        EXECUTE format('CREATE ROLE %I LOGIN', role_name);
      EXCEPTION WHEN duplicate_object OR unique_violation THEN
        NULL; -- created meanwhile by another setup
      END;
    END IF;
    EXECUTE format(
      'ALTER ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS INHERIT',
      role_name);
  END LOOP;
  password := nullif(current_setting('credit.owner_password', true), '');
  IF password IS NOT NULL THEN
    EXECUTE format('ALTER ROLE %I PASSWORD %L', owner_role, password);
  END IF;
  password := nullif(current_setting('credit.app_password', true), '');
  IF password IS NOT NULL THEN
    EXECUTE format('ALTER ROLE %I PASSWORD %L', app_role, password);
  END IF;

  -- This database: only the service's roles (and superusers) connect; the owner owns the schema.
  EXECUTE format('REVOKE ALL ON DATABASE %I FROM PUBLIC', current_database());
  EXECUTE format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO %I, %I',
    current_database(), owner_role, app_role);
  EXECUTE format('ALTER SCHEMA public OWNER TO %I', owner_role);
  REVOKE CREATE ON SCHEMA public FROM PUBLIC;
  EXECUTE format('GRANT USAGE ON SCHEMA public TO %I', app_role);

  -- What the migrations create from now on: rows for the runtime role, no TRUNCATE, no DDL.
  EXECUTE format(
    'ALTER DEFAULT PRIVILEGES FOR ROLE %I IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO %I',
    owner_role, app_role);
  EXECUTE format(
    'ALTER DEFAULT PRIVILEGES FOR ROLE %I IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO %I',
    owner_role, app_role);

  -- Tables created before the roles existed (migrations applied as postgres by an earlier
  -- `npm start`) go to the owner, with the runtime role's privileges. An append-only table (a
  -- BEFORE UPDATE OR DELETE row trigger that always fires, as the ledger's journal) gets SELECT
  -- and INSERT only, as if LeastPrivilegeJournal had run after the transfer.
  FOR object IN
    SELECT c.oid::regclass AS name,
           EXISTS (SELECT FROM pg_trigger t
                    WHERE t.tgrelid = c.oid AND t.tgenabled = 'A'
                      AND t.tgtype::int & 3 = 3 AND t.tgtype::int & 24 <> 0) AS append_only
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
       AND c.relowner <> (SELECT oid FROM pg_roles WHERE rolname = owner_role)
  LOOP
    EXECUTE format('ALTER TABLE %s OWNER TO %I', object.name, owner_role);
    EXECUTE format('GRANT SELECT, INSERT%s ON %s TO %I',
      CASE WHEN object.append_only THEN '' ELSE ', UPDATE, DELETE' END, object.name, app_role);
  END LOOP;
  -- Sequences of serial columns moved with their tables; standalone ones move here. Every
  -- sequence serves inserts: the runtime role may draw from all of them.
  FOR object IN
    SELECT c.oid::regclass AS name
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'public' AND c.relkind = 'S'
       AND c.relowner <> (SELECT oid FROM pg_roles WHERE rolname = owner_role)
  LOOP
    EXECUTE format('ALTER SEQUENCE %s OWNER TO %I', object.name, owner_role);
  END LOOP;
  EXECUTE format('GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO %I', app_role);
  FOR object IN
    SELECT p.oid::regprocedure AS name
      FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
     WHERE n.nspname = 'public'
       AND p.proowner <> (SELECT oid FROM pg_roles WHERE rolname = owner_role)
       AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')
  LOOP
    EXECUTE format('ALTER ROUTINE %s OWNER TO %I', object.name, owner_role);
  END LOOP;
END
$roles$;
