import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { createDataSource } from '@credit/platform';

/** Shared pieces of the benchmark: statistics, settings from the environment, PostgreSQL, parts. */

export const repoRoot = path.resolve(__dirname, '..');
export const postgresUrl = process.env.POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432';
/** Where the parts of one run wait to be merged into the report. */
export const workDir = path.join(repoRoot, 'tmp', 'bench');

export interface LatencySummary {
  readonly count: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

export const round = (value: number, digits = 2): number => {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
};

/** Nearest-rank percentile of an ascending array. */
function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] ?? Number.NaN;
}

export function summarize(samplesMs: readonly number[]): LatencySummary {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50Ms: round(percentile(sorted, 50)),
    p99Ms: round(percentile(sorted, 99)),
    maxMs: round(sorted[sorted.length - 1] ?? Number.NaN),
  };
}

export function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw new Error(`${name} must be a whole number, not "${raw}"`);
  return Number(raw);
}

export function envList(name: string, fallback: readonly number[]): number[] {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return [...fallback];
  const values = raw.split(',').map((item) => item.trim());
  if (values.some((item) => !/^\d+$/.test(item)))
    throw new Error(`${name} must be comma-separated whole numbers, not "${raw}"`);
  return values.map(Number);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export const databaseUrl = (database: string) => `${postgresUrl}/${database}`;

export async function withClient<T>(
  database: string,
  work: (client: Client) => Promise<T>,
): Promise<T> {
  const client = new Client({ connectionString: databaseUrl(database) });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Drops and creates a benchmark database; refuses any name outside credit_bench_*. */
export async function recreateDatabase(database: string): Promise<void> {
  if (!/^credit_bench_[a-z_]+$/.test(database))
    throw new Error(`refusing to recreate ${database}: only credit_bench_* databases`);
  await withClient('postgres', async (client) => {
    await client.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${database}`);
  });
}

export async function countRows(database: string, sql: string, params: unknown[] = []) {
  return withClient(database, async (client) => {
    const result = await client.query<{ n: string }>(sql, params);
    return Number(result.rows[0]?.n ?? 0);
  });
}

/** One part of the run (database, platform) is written here and merged by `run.ts report`. */
export function writePart(part: string, value: unknown): void {
  mkdirSync(workDir, { recursive: true });
  writeFileSync(path.join(workDir, `${part}.json`), JSON.stringify(value, null, 2));
}

export function readPart<T>(part: string): T | null {
  const file = path.join(workDir, `${part}.json`);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as T) : null;
}

export function log(message: string): void {
  process.stderr.write(`[bench] ${new Date().toISOString().slice(11, 19)} ${message}\n`);
}

/**
 * A fresh bench database migrated with a service's migrations, for a part that bulk-loads it and
 * runs the service's own code on it at scale. The caller destroys it.
 */
export async function migratedBenchDatabase(
  database: string,
  migrationsTableName: string,
  migrations: Parameters<typeof createDataSource>[0]['migrations'],
): Promise<ReturnType<typeof createDataSource>> {
  await recreateDatabase(database);
  const dataSource = createDataSource({
    url: databaseUrl(database),
    poolMax: 4,
    migrationsTableName,
    entities: [],
    migrations,
    applicationName: 'credit-bench',
  });
  await dataSource.initialize();
  try {
    await dataSource.runMigrations({ transaction: 'each' });
  } catch (error) {
    await dataSource.destroy();
    throw error;
  }
  return dataSource;
}
