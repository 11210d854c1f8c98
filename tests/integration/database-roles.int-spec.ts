import { Client } from 'pg';
import { databaseRolesOf, recreateServiceDatabase } from '@credit/platform';
import { freePort, waitUntil } from '@credit/testing';
import { apiKeys, customerTokenPublicKeys, serviceList, spawnService } from '../support/services';

const brokers = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';
/** What application and disbursement require beyond the common variables (test values). */
const serviceEnv: Record<string, Record<string, string>> = {
  application: {
    APPLICATION_PII_KEYS: 'test:RsJvjvRWGqkMogfloIJBm+sUcCRqygrjUYVvYC68rCw=',
    APPLICATION_PII_ACTIVE_KEY_ID: 'test',
    APPLICATION_CUSTOMER_ID_PEPPER: 'test-pepper-0123456789abcdef',
  },
};

/**
 * Every service as `npm start` runs it: migrated by credit_<service>_owner, then connected only as
 * credit_<service>_app, which is no superuser, may not create roles or databases, and owns nothing
 * in its database; the owner role owns every table.
 */
describe('database roles of every service', () => {
  it.each(serviceList)(
    '%s migrates as its owner role and runs as its runtime role',
    async (service) => {
      const database = `credit_test_roles_${service}`;
      const urls = await recreateServiceDatabase(service, database);
      const roles = databaseRolesOf(service);
      const port = await freePort();
      const run = spawnService(service, {
        HTTP_PORT: String(port),
        DATABASE_URL: urls.url,
        MIGRATIONS_DATABASE_URL: urls.migrationsUrl,
        KAFKA_BROKERS: brokers,
        KAFKA_CONSUMER_GROUP: `${service}-roles-${Date.now()}`,
        KAFKA_CONSUMER_START: 'latest',
        CUSTOMER_TOKEN_PUBLIC_KEYS: customerTokenPublicKeys,
        OPERATOR_API_KEY: apiKeys.operator,
        ADMIN_API_KEY: apiKeys.admin,
        LOG_LEVEL: 'warn',
        ...serviceEnv[service],
      });
      const admin = new Client({ connectionString: urls.adminUrl });
      await admin.connect();
      try {
        await waitUntil(
          `${service} ready`,
          async () => {
            if (run.child.exitCode !== null) throw new Error(`${service} exited: ${run.output()}`);
            try {
              return (await fetch(`http://127.0.0.1:${port}/health`)).status === 200;
            } catch {
              return false;
            }
          },
          90_000,
        );
        const { rows: attributes } = await admin.query(
          `SELECT rolname, rolsuper, rolcreatedb, rolcreaterole, rolreplication, rolbypassrls
             FROM pg_roles WHERE rolname = ANY ($1) ORDER BY rolname`,
          [[roles.app, roles.owner]],
        );
        expect(attributes).toEqual(
          [roles.app, roles.owner].map((rolname) => ({
            rolname,
            rolsuper: false,
            rolcreatedb: false,
            rolcreaterole: false,
            rolreplication: false,
            rolbypassrls: false,
          })),
        );
        // Ownership in the service's database: the owner role has every table, function and
        // the schema; the runtime role has nothing.
        const { rows: owners } = await admin.query<{ owner: string; objects: number }>(
          `SELECT owner, count(*)::int AS objects FROM (
             SELECT pg_get_userbyid(c.relowner) AS owner FROM pg_class c
               JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public'
             UNION ALL
             SELECT pg_get_userbyid(p.proowner) FROM pg_proc p
               JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public'
             UNION ALL
             SELECT pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname = 'public'
           ) o GROUP BY owner`,
        );
        expect(owners.map((o) => o.owner)).toEqual([roles.owner]);
        expect(owners[0]!.objects).toBeGreaterThan(5);
        const { rows: sessions } = await admin.query<{ usename: string }>(
          `SELECT DISTINCT usename FROM pg_stat_activity
            WHERE datname = current_database() AND pid <> pg_backend_pid()`,
        );
        // The migrations' connection is closed: the service keeps only its runtime role.
        expect(sessions).toEqual([{ usename: roles.app }]);
      } finally {
        await admin.end();
        run.child.kill('SIGTERM');
        await run.exited;
      }
    },
    120_000,
  );
});
