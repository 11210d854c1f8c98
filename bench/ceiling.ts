import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
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
 * work as a ledger batch, in a scratch database. Two forms are measured back to back and the
 * better one is the ceiling: bench/scripts/ceiling-batch.sql, one set-based statement per batch
 * (its own transaction, one round trip) that draws the batch's random accounts, locks their
 * balance rows once in id order, updates each balance once, and inserts the entries (unique key)
 * and their lines with running balances; and ceiling-posting.sql, one transaction per batch that
 * locks the rows in id order, then one statement per posting (the better one at a batch of 1).
 */
export const CeilingDatabase = 'credit_bench_pgbench';
const run = promisify(execFile);
const scriptsDir = path.join(__dirname, 'scripts');

/** The two minimal SQL forms of a batch; the ceiling is the better of them. */
export type CeilingVariant = 'set-based' | 'per-posting';

export interface CeilingVariantResult {
  readonly variant: CeilingVariant;
  readonly postingsPerSecond: number;
  readonly batch: LatencySummary;
  readonly transactions: number;
  readonly failedTransactions: number;
}

export interface CeilingResult extends PostingCase, CeilingVariantResult {
  /** Both forms, measured back to back; the fields above are the better one's. */
  readonly variants: CeilingVariantResult[];
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

/**
 * The per-posting form (bench/scripts/ceiling-posting.sql): one transaction per batch that locks
 * every balance row of the batch in id order, then one statement per posting. Fewer moving parts
 * per statement than the set-based form, so at a batch of 1 it can be the faster of the two.
 */
function perPostingScript(postingCase: PostingCase): string {
  const posting = readFileSync(path.join(scriptsDir, 'ceiling-posting.sql'), 'utf8')
    .split('\n')
    .filter((line) => !line.startsWith('--'))
    .join('\n');
  const sets: string[] = [];
  const ids: string[] = [];
  const bodies: string[] = [];
  for (let i = 1; i <= postingCase.batchSize; i++) {
    if (postingCase.workload === 'hot') sets.push(`\\set d${i} 0`);
    else sets.push(`\\set d${i} random(1, :accounts)`);
    // Another account than the debit: 1 + (d + r) % accounts with r < accounts - 1.
    sets.push(`\\set c${i} 1 + (:d${i} + random(0, :accounts - 2)) % :accounts`);
    ids.push(`:d${i}`, `:c${i}`);
    bodies.push(posting.replaceAll(':debit', `:d${i}`).replaceAll(':credit', `:c${i}`));
  }
  return [
    ...sets,
    'BEGIN;',
    `SELECT 1 FROM ceiling_balances WHERE id IN (${ids.join(', ')}) ORDER BY id FOR UPDATE;`,
    ...bodies,
    'COMMIT;',
    '',
  ].join('\n');
}

/** The better of the set-based and the per-posting form for this case, both measured. */
export async function runCeiling(
  postingCase: PostingCase,
  seconds: number,
  accounts: number,
): Promise<CeilingResult> {
  const variants: CeilingVariantResult[] = [];
  for (const variant of ['set-based', 'per-posting'] as const)
    variants.push(await runVariant(variant, postingCase, seconds, accounts));
  const best = variants.reduce((a, b) => (b.postingsPerSecond > a.postingsPerSecond ? b : a));
  return { ...postingCase, ...best, variants };
}

async function runVariant(
  variant: CeilingVariant,
  postingCase: PostingCase,
  seconds: number,
  accounts: number,
): Promise<CeilingVariantResult> {
  mkdirSync(workDir, { recursive: true });
  const dir = mkdtempSync(path.join(workDir, 'pgbench-'));
  try {
    let script = path.join(scriptsDir, 'ceiling-batch.sql');
    if (variant === 'per-posting') {
      script = path.join(dir, 'per-posting.sql');
      writeFileSync(script, perPostingScript(postingCase));
    }
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
        script,
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
      variant,
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
