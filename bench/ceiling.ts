import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { PostingCase } from './ledger-engine';
import {
  type LatencySummary,
  postgresUrl,
  recreateDatabase,
  round,
  summarize,
  workDir,
} from './support';

/**
 * The database's own limit: pgbench on the same server running the best minimal SQL for the same
 * work as a ledger batch, in a scratch database: bench/scripts/ceiling-batch.sql, one set-based
 * statement per batch (its own transaction, one round trip) that draws the batch's random
 * accounts, locks their balance rows once in id order, updates each balance once, and inserts
 * the entries (unique key) and their lines with running balances. A posting engine can approach
 * it, not pass it.
 */
export const CeilingDatabase = 'credit_bench_pgbench';
const run = promisify(execFile);
const scriptsDir = path.join(__dirname, 'scripts');

export interface CeilingResult extends PostingCase {
  readonly postingsPerSecond: number;
  readonly batch: LatencySummary;
  readonly transactions: number;
  readonly failedTransactions: number;
}

function connectionArgs(): string[] {
  const url = new URL(postgresUrl);
  return ['-h', url.hostname, '-p', url.port || '5432', '-U', url.username || 'postgres'];
}

export async function prepareCeiling(accounts: number): Promise<void> {
  await recreateDatabase(CeilingDatabase);
  await run('psql', [
    ...connectionArgs(),
    '-d',
    CeilingDatabase,
    '-v',
    'ON_ERROR_STOP=1',
    '-q',
    '-v',
    `accounts=${accounts}`,
    '-f',
    path.join(scriptsDir, 'ceiling-schema.sql'),
  ]);
}

export async function runCeiling(
  postingCase: PostingCase,
  seconds: number,
  accounts: number,
): Promise<CeilingResult> {
  mkdirSync(workDir, { recursive: true });
  const dir = mkdtempSync(path.join(workDir, 'pgbench-'));
  try {
    const { stdout } = await run(
      'pgbench',
      [
        ...connectionArgs(),
        '-n',
        '-M',
        'prepared',
        '-c',
        String(postingCase.concurrency),
        '-j',
        String(Math.min(postingCase.concurrency, 4)),
        '-T',
        String(seconds),
        '-D',
        `accounts=${accounts}`,
        '-D',
        `batch=${postingCase.batchSize}`,
        '-D',
        `hot=${postingCase.workload === 'hot' ? 1 : 0}`,
        '-f',
        path.join(scriptsDir, 'ceiling-batch.sql'),
        '-l',
        `--log-prefix=${path.join(dir, 'tx')}`,
        CeilingDatabase,
      ],
      { cwd: dir, maxBuffer: 16 * 1024 * 1024 },
    );
    const tps = /tps = ([\d.]+) \(without initial connection time\)/.exec(stdout);
    const processed = /number of transactions actually processed: (\d+)/.exec(stdout);
    const failed = /number of failed transactions: (\d+)/.exec(stdout);
    if (!tps || !processed) throw new Error(`unexpected pgbench output:\n${stdout}`);
    // Per-transaction log: client, transaction, latency in µs, script, epoch s, µs.
    const latencies: number[] = [];
    for (const file of readdirSync(dir).filter((f) => f.startsWith('tx'))) {
      for (const line of readFileSync(path.join(dir, file), 'utf8').split('\n')) {
        const micros = line.split(' ')[2];
        if (micros && /^\d+$/.test(micros)) latencies.push(Number(micros) / 1000);
      }
    }
    return {
      ...postingCase,
      postingsPerSecond: Math.round(Number(tps[1]) * postingCase.batchSize),
      batch: summarize(latencies),
      transactions: Number(processed[1]),
      failedTransactions: Number(failed?.[1] ?? 0),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const ratio = (ours: number, ceiling: number) => (ceiling > 0 ? round(ours / ceiling) : 0);
