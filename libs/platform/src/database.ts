import type { Logger } from 'pino';
import { DataSource, type MixedList, type EntitySchema, type QueryRunner } from 'typeorm';
import type { PostgresConnectionOptions } from 'typeorm/driver/postgres/PostgresConnectionOptions';
import { tracingEnabled, transactionTracing } from './tracing';
import { backoffDelayMs } from '@credit/kernel';

/** Attempts to reach PostgreSQL at boot before giving up. */
export const DatabaseConnectAttemptsMax = 30;
const DatabaseConnectBackoffMaxMs = 5_000;

export interface DatabaseOptions {
  /** The runtime role's URL: reads and writes rows, owns nothing (DATABASE_URL). */
  readonly url: string;
  /**
   * The owner role's URL (MIGRATIONS_DATABASE_URL): the migrations run on a connection of their
   * own with it, then it is closed. Unset: they run with `url`, which must then own the schema.
   */
  readonly migrationsUrl?: string;
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

/**
 * Connects with bounded retries (one log line per attempt), then applies pending migrations: as
 * the owner role on a connection of their own when `migrationsUrl` is given (closed afterwards,
 * the service keeps only its runtime role), else on the data source itself.
 */
export async function initializeDatabase(
  dataSource: DataSource,
  logger: Logger,
  migrationsUrl?: string,
): Promise<DataSource> {
  await connectWithRetries(dataSource, logger);
  let applied: Awaited<ReturnType<DataSource['runMigrations']>>;
  if (migrationsUrl === undefined) {
    applied = await migrateUnderLock(dataSource);
  } else {
    const options = dataSource.options as PostgresConnectionOptions;
    const owner = new DataSource({
      ...options,
      url: migrationsUrl,
      applicationName: `${options.applicationName ?? 'credit'}-migrations`,
      // The lock's session and the migrations' own.
      extra: { ...(options.extra as object), max: 2 },
    });
    await connectWithRetries(owner, logger);
    try {
      applied = await migrateUnderLock(owner);
    } finally {
      await owner.destroy();
    }
  }
  traceTransactions(dataSource);
  if (applied.length > 0) {
    logger.info({ migrations: applied.map((m) => m.name) }, `applied ${applied.length} migrations`);
  }
  return dataSource;
}

async function connectWithRetries(dataSource: DataSource, logger: Logger): Promise<void> {
  const backoff = { initialMs: 250, maxMs: DatabaseConnectBackoffMaxMs };
  for (let attempt = 1; ; attempt++) {
    try {
      await dataSource.initialize();
      return;
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
}

/**
 * Several instances may boot at once: one migrates while the others wait (a session-level
 * advisory lock per migrations table), then they find nothing left to apply.
 */
async function migrateUnderLock(
  dataSource: DataSource,
): Promise<Awaited<ReturnType<DataSource['runMigrations']>>> {
  const lock = dataSource.createQueryRunner();
  await lock.connect();
  try {
    await lock.query(`SELECT pg_advisory_lock(hashtext($1))`, [migrationsTableOf(dataSource)]);
    return await dataSource.runMigrations({ transaction: 'each' });
  } finally {
    await lock
      .query(`SELECT pg_advisory_unlock(hashtext($1))`, [migrationsTableOf(dataSource)])
      .catch(() => undefined);
    await lock.release();
  }
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

/**
 * A migration step of the audit trail: adds `column` (who made the write) to `table`, every
 * existing row recording `unknown` (the writes before the trail), then drops the default so every
 * new row must name its actor. A constant default rewrites no row and fires no row trigger, so it
 * is safe on append-only tables.
 */
export async function addActorColumn(
  queryRunner: QueryRunner,
  table: string,
  column: string,
): Promise<void> {
  await queryRunner.query(
    `ALTER TABLE ${table} ADD COLUMN ${column} text NOT NULL DEFAULT 'unknown'`,
  );
  await queryRunner.query(`ALTER TABLE ${table} ALTER COLUMN ${column} DROP DEFAULT`);
}
