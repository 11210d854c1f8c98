import type { Logger } from 'pino';
import { DataSource, type MixedList, type EntitySchema } from 'typeorm';
import { tracingEnabled, transactionTracing } from './tracing';
import { backoffDelayMs } from '@credit/kernel';

/** Attempts to reach PostgreSQL at boot before giving up. */
export const DatabaseConnectAttemptsMax = 30;
const DatabaseConnectBackoffMaxMs = 5_000;

export interface DatabaseOptions {
  readonly url: string;
  readonly poolMax: number;
  /** Each service keeps its own migrations table, e.g. `ledger_migrations`. */
  readonly migrationsTableName: string;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  readonly entities: MixedList<Function | string | EntitySchema>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  readonly migrations: MixedList<Function | string>;
  readonly applicationName: string;
}

export function createDataSource(options: DatabaseOptions): DataSource {
  return new DataSource({
    type: 'postgres',
    url: options.url,
    applicationName: options.applicationName,
    entities: options.entities,
    migrations: options.migrations,
    migrationsTableName: options.migrationsTableName,
    migrationsTransactionMode: 'each',
    synchronize: false,
    migrationsRun: false,
    logging: ['error'],
    extra: {
      max: options.poolMax,
      connectionTimeoutMillis: 5_000,
      idleTimeoutMillis: 30_000,
      statement_timeout: 30_000,
    },
  });
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Connects with bounded retries (one log line per attempt), then applies pending migrations. */
export async function initializeDatabase(
  dataSource: DataSource,
  logger: Logger,
): Promise<DataSource> {
  const backoff = { initialMs: 250, maxMs: DatabaseConnectBackoffMaxMs };
  for (let attempt = 1; ; attempt++) {
    try {
      await dataSource.initialize();
      break;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      if (attempt >= DatabaseConnectAttemptsMax) {
        throw new Error(`PostgreSQL unreachable after ${attempt} attempts: ${reason}`);
      }
      const delayMs = backoffDelayMs(backoff, attempt);
      logger.warn(
        { attempt, retryInMs: delayMs },
        `PostgreSQL not reachable (attempt ${attempt}): ${reason}; retrying in ${delayMs} ms`,
      );
      await sleep(delayMs);
    }
  }
  // Several instances may boot at once: one migrates while the others wait (a session-level
  // advisory lock per migrations table), then they find nothing left to apply.
  const lock = dataSource.createQueryRunner();
  await lock.connect();
  let applied: Awaited<ReturnType<DataSource['runMigrations']>>;
  try {
    await lock.query(`SELECT pg_advisory_lock(hashtext($1))`, [migrationsTableOf(dataSource)]);
    applied = await dataSource.runMigrations({ transaction: 'each' });
  } finally {
    await lock
      .query(`SELECT pg_advisory_unlock(hashtext($1))`, [migrationsTableOf(dataSource)])
      .catch(() => undefined);
    await lock.release();
  }
  traceTransactions(dataSource);
  if (applied.length > 0) {
    logger.info({ migrations: applied.map((m) => m.name) }, `applied ${applied.length} migrations`);
  }
  return dataSource;
}

/** While tracing is on, every transaction opened in traced work gets a `db.transaction` span. */
export function traceTransactions(dataSource: DataSource): void {
  if (tracingEnabled())
    dataSource.subscribers.push(transactionTracing(String(dataSource.driver.database ?? '')));
}

function migrationsTableOf(dataSource: DataSource): string {
  return `migrations:${dataSource.options.migrationsTableName ?? 'migrations'}`;
}

export async function databaseIsUp(
  dataSource: DataSource,
): Promise<{ up: boolean; detail?: string }> {
  if (!dataSource.isInitialized) return { up: false, detail: 'not connected' };
  try {
    await dataSource.query('SELECT 1');
    return { up: true };
  } catch (error) {
    return { up: false, detail: error instanceof Error ? error.message : String(error) };
  }
}
