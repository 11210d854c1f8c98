import { spawn } from 'node:child_process';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import type { DataSource } from 'typeorm';
import { OutboxWriter } from '@credit/messaging';
import { createDataSource } from '@credit/platform';
import { AccountsService } from '../apps/ledger/src/accounts/accounts.service';
import type { EntryDraft } from '../apps/ledger/src/domain/journal';
import { EntriesService } from '../apps/ledger/src/entries/entries.service';
import { AccountDirectory } from '../apps/ledger/src/infrastructure/account-directory';
import { PostingEngine } from '../apps/ledger/src/infrastructure/posting-engine';
import { ledgerMigrations } from '../apps/ledger/src/migrations';
import { type LatencySummary, databaseUrl, log, repoRoot, round, summarize } from './support';

/**
 * The ledger's own posting path, in process: EntriesService.post (what POST /v1/entries calls:
 * validation, idempotency, locks, set-based writes, outbox, read-back) on a database migrated with
 * the ledger's migrations, triggers and all. No HTTP, no Kafka.
 */
export const EngineDatabase = 'credit_bench_ledger_engine';
export const BenchAccountsMax = 10_000;
const HouseAccount = 'assets:bench:house';
const accountId = (n: number) => `assets:bench:a${String(n).padStart(5, '0')}`;
/** Pool size: the highest concurrency plus room for the bench's own reads. */
const EnginePoolMax = 20;

export type Workload = 'uniform' | 'hot';

export interface PostingCase {
  readonly workload: Workload;
  readonly batchSize: number;
  readonly concurrency: number;
}

export interface PostingResult extends PostingCase {
  readonly seconds: number;
  readonly postings: number;
  readonly postingsPerSecond: number;
  readonly batch: LatencySummary;
  /** A batch's latency divided by its size: the time each posting cost. */
  readonly perPosting: { readonly p50Ms: number; readonly p99Ms: number };
  readonly errors: number;
  /** CPU time of this Node process (user + system) per posting: the posting path's own work. */
  readonly nodeCpuMsPerPosting: number;
}

export class LedgerEngineBench {
  private sequence = 0;
  /** Unique per process: instances running side by side never share an idempotency key. */
  private readonly runId = `${Date.now().toString(36)}-${process.pid}`;

  private constructor(
    private readonly dataSource: DataSource,
    private readonly entries: EntriesService,
    private readonly accounts: AccountsService,
  ) {}

  /**
   * Migrates the (fresh) database and adds the bench accounts: 10,000 plus one house account.
   * `prepare: false` (a second instance) only connects to a database already prepared.
   */
  static async open({ prepare = true }: { prepare?: boolean } = {}): Promise<LedgerEngineBench> {
    const dataSource = createDataSource({
      url: databaseUrl(EngineDatabase),
      poolMax: EnginePoolMax,
      migrationsTableName: 'ledger_migrations',
      entities: [],
      migrations: ledgerMigrations,
      applicationName: 'credit-bench',
    });
    await dataSource.initialize();
    if (prepare) await LedgerEngineBench.prepare(dataSource);
    const directory = new AccountDirectory();
    const engine = new PostingEngine(directory, new OutboxWriter('ledger'));
    return new LedgerEngineBench(
      dataSource,
      new EntriesService(dataSource, engine),
      new AccountsService(dataSource, directory),
    );
  }

  private static async prepare(dataSource: DataSource): Promise<void> {
    await dataSource.runMigrations({ transaction: 'each' });
    await dataSource.query(
      `INSERT INTO accounts (id, name, type, normal_side, currency, created_by)
       SELECT 'assets:bench:a' || lpad(g::text, 5, '0'), 'bench ' || g, 'asset', 'debit', 'CNY', 'system:bench'
         FROM generate_series(1, $1::int) g
       UNION ALL SELECT $2, 'bench house account', 'asset', 'debit', 'CNY', 'system:bench'
       ON CONFLICT DO NOTHING`,
      [BenchAccountsMax, HouseAccount],
    );
    await dataSource.query(
      `INSERT INTO balances (account_id, currency)
       SELECT id, currency FROM accounts WHERE id LIKE 'assets:bench:%' ON CONFLICT DO NOTHING`,
    );
  }

  async close(): Promise<void> {
    await this.dataSource.destroy();
  }

  private draft(workload: Workload): EntryDraft {
    const random = () => 1 + Math.floor(Math.random() * BenchAccountsMax);
    const debit = workload === 'hot' ? HouseAccount : accountId(random());
    let credit = accountId(random());
    while (credit === debit) credit = accountId(random());
    return {
      idempotencyKey: `bench-${this.runId}-${++this.sequence}`,
      effectiveAt: null,
      description: 'bench posting',
      metadata: {},
      sourceEventId: null,
      sourceEventType: null,
      rule: null,
      reversesEntryId: null,
      actor: 'system:bench',
      lines: [
        { account: debit, side: 'debit', amount: '1.00', currency: 'CNY' },
        { account: credit, side: 'credit', amount: '1.00', currency: 'CNY' },
      ],
    };
  }

  /** Closed loop: `concurrency` workers each post a batch, wait for its commit, post the next. */
  async run(postingCase: PostingCase, seconds: number): Promise<PostingResult> {
    const batchLatencies: number[] = [];
    let postings = 0;
    let errors = 0;
    const cpu = process.cpuUsage();
    const started = performance.now();
    const deadline = started + seconds * 1000;
    await Promise.all(
      Array.from({ length: postingCase.concurrency }, async () => {
        while (performance.now() < deadline) {
          const drafts = Array.from({ length: postingCase.batchSize }, () =>
            this.draft(postingCase.workload),
          );
          const sent = performance.now();
          try {
            await this.entries.post(drafts);
          } catch (error) {
            if (++errors > 10) throw error;
            continue;
          }
          batchLatencies.push(performance.now() - sent);
          postings += drafts.length;
        }
      }),
    );
    const elapsed = (performance.now() - started) / 1000;
    const cpuUsed = process.cpuUsage(cpu);
    const batch = summarize(batchLatencies);
    return {
      ...postingCase,
      seconds: round(elapsed),
      postings,
      postingsPerSecond: Math.round(postings / elapsed),
      batch,
      perPosting: {
        p50Ms: round(batch.p50Ms / postingCase.batchSize, 3),
        p99Ms: round(batch.p99Ms / postingCase.batchSize, 3),
      },
      errors,
      nodeCpuMsPerPosting: round((cpuUsed.user + cpuUsed.system) / 1000 / Math.max(postings, 1), 3),
    };
  }

  /**
   * Gives `account` `lines` journal lines with SQL: entries of 40 debit lines of 1.00 on the
   * account and one credit line on a contra account, each line with its running balance, the
   * balance rows updated to match. The immutability and balance triggers run as for any posting.
   */
  async bulkLoad(account: string, lines: number): Promise<void> {
    const perEntry = 40;
    const entries = Math.ceil(lines / perEntry);
    const contra = 'assets:bench:contra';
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      // A million lines with their foreign-key checks take longer than the service's 30 s limit.
      await runner.query(`SET LOCAL statement_timeout = '15min'`);
      await runner.query(
        `INSERT INTO accounts (id, name, type, normal_side, currency, created_by)
         VALUES ($1, 'balance read bench', 'asset', 'debit', 'CNY', 'system:bench'),
                ($2, 'bench contra', 'asset', 'debit', 'CNY', 'system:bench')
         ON CONFLICT DO NOTHING`,
        [account, contra],
      );
      await runner.query(
        `INSERT INTO balances (account_id, currency) VALUES ($1, 'CNY'), ($2, 'CNY') ON CONFLICT DO NOTHING`,
        [account, contra],
      );
      const before = (await runner.query(
        `SELECT posted_debits - posted_credits AS posted FROM balances WHERE account_id = $1 FOR UPDATE`,
        [contra],
      )) as { posted: string }[];
      await runner.query(
        `CREATE TEMP TABLE bulk_entries ON COMMIT DROP AS
         SELECT n, gen_random_uuid() AS id FROM generate_series(1, $1::int) n`,
        [entries],
      );
      await runner.query(
        `INSERT INTO journal_entries (id, idempotency_key, request_hash, effective_at, posted_at, description, actor)
         SELECT id, 'bench-bulk-' || $1 || '-' || n, 'bench', t, t, 'bench bulk load', 'system:bench'
           FROM (SELECT id, n, timestamptz '2020-01-01' + n * interval '1 second' AS t FROM bulk_entries) b
          ORDER BY n`,
        [account],
      );
      await runner.query(
        `INSERT INTO journal_lines (entry_id, line_no, account_id, side, amount, currency, entry_seq, posted_at, balance_after)
         SELECT e.id, j, $1, 'debit', 1.00, 'CNY', e.seq, e.posted_at, ((b.n - 1) * $2::int + j)::numeric
           FROM bulk_entries b JOIN journal_entries e ON e.id = b.id CROSS JOIN generate_series(1, $2::int) j
         UNION ALL
         SELECT e.id, $2::int + 1, $3, 'credit', $2::numeric, 'CNY', e.seq, e.posted_at, $4::numeric - b.n * $2::int
           FROM bulk_entries b JOIN journal_entries e ON e.id = b.id`,
        [account, perEntry, contra, before[0]?.posted ?? '0'],
      );
      const total = entries * perEntry;
      await runner.query(
        `UPDATE balances SET posted_debits = posted_debits + $2::numeric, line_count = line_count + $2::bigint
          WHERE account_id = $1`,
        [account, total],
      );
      await runner.query(
        `UPDATE balances SET posted_credits = posted_credits + $2::numeric, line_count = line_count + $3::bigint
          WHERE account_id = $1`,
        [contra, total, entries],
      );
      await runner.commitTransaction();
    } catch (error) {
      await runner.rollbackTransaction();
      throw error;
    } finally {
      await runner.release();
    }
    await this.dataSource.query(`ANALYZE journal_lines`);
  }

  /** The ledger's balance query (GET /v1/accounts/{id}/balance), now and as of a time, sequentially. */
  async readBalances(account: string, reads: number) {
    const asOf = new Date();
    const expected = await this.accounts.balance(account, undefined);
    const asOfView = await this.accounts.balance(account, asOf);
    if (asOfView.balance !== expected.balance)
      throw new Error(`asOf balance ${asOfView.balance} differs from ${expected.balance}`);
    const time = async (read: () => Promise<unknown>) => {
      const samples: number[] = [];
      for (let i = 0; i < reads; i++) {
        const started = performance.now();
        await read();
        samples.push(performance.now() - started);
      }
      return summarize(samples);
    };
    const plan = await this.dataSource.query<{ 'QUERY PLAN': string }[]>(
      `EXPLAIN (ANALYZE, FORMAT TEXT)
       SELECT balance_after FROM journal_lines
        WHERE account_id = $1 AND currency = 'CNY' AND posted_at <= $2
        ORDER BY posted_at DESC, entry_seq DESC, line_no DESC LIMIT 1`,
      [account, asOf.toISOString()],
    );
    return {
      balance: expected.balance,
      now: await time(() => this.accounts.balance(account, undefined)),
      asOf: await time(() => this.accounts.balance(account, asOf)),
      asOfPlan: plan.map((row) => row['QUERY PLAN'].trim()),
    };
  }

  /** Where the posting time goes: the top statements by total time (pg_stat_statements if loaded). */
  async topStatements(): Promise<{ query: string; calls: number; meanMs: number }[]> {
    const [available] = await this.dataSource.query<{ ok: boolean }[]>(
      `SELECT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pg_stat_statements')
              AND current_setting('shared_preload_libraries') LIKE '%pg_stat_statements%' AS ok`,
    );
    if (!available?.ok) return [];
    await this.dataSource.query(`CREATE EXTENSION IF NOT EXISTS pg_stat_statements`);
    const rows = await this.dataSource.query<{ query: string; calls: string; mean: number }[]>(
      `SELECT left(regexp_replace(query, '\\s+', ' ', 'g'), 120) AS query, calls, mean_exec_time AS mean
         FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
        ORDER BY total_exec_time DESC LIMIT 8`,
    );
    return rows.map((r) => ({ query: r.query, calls: Number(r.calls), meanMs: round(r.mean, 3) }));
  }
}

// --- Several instances ---------------------------------------------------------------------------

export interface InstancesResult extends PostingCase {
  /** Node processes posting at once, each with its own EntriesService and pool. */
  readonly instances: number;
  readonly seconds: number;
  readonly postings: number;
  /** All instances' postings over the longest instance's run. */
  readonly postingsPerSecond: number;
  readonly perInstance: PostingResult[];
}

const workerScript = path.join(__dirname, 'ledger-engine-worker.ts');
/** An instance that does not report within this time (boot and run included) fails the case. */
const InstanceTimeoutMs = 120_000;

/**
 * The posting case in `instances` Node processes at once (bench/ledger-engine-worker.ts), each
 * with its own EntriesService and connection pool on the same prepared database, as several
 * ledger instances would run. Every process connects first; then all start together.
 */
export async function runInstances(
  postingCase: PostingCase,
  seconds: number,
  instances: number,
): Promise<InstancesResult> {
  const workers = Array.from({ length: instances }, () =>
    spawn(process.execPath, ['-r', './tools/runtime/register.js', workerScript], {
      cwd: repoRoot,
      env: { ...process.env, BENCH_WORKER_CASE: JSON.stringify({ postingCase, seconds }) },
      stdio: ['pipe', 'pipe', 'inherit'],
    }),
  );
  const lines = workers.map((worker) => {
    const reader = createInterface({ input: worker.stdout });
    const queue: string[] = [];
    const waiting: ((line: string) => void)[] = [];
    reader.on('line', (line) => {
      const next = waiting.shift();
      if (next) next(line);
      else queue.push(line);
    });
    return () =>
      new Promise<string>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error('a ledger instance did not answer')),
          InstanceTimeoutMs,
        );
        const done = (line: string) => {
          clearTimeout(timer);
          resolve(line);
        };
        const queued = queue.shift();
        if (queued !== undefined) done(queued);
        else waiting.push(done);
      });
  });
  try {
    for (const next of lines) {
      const ready = await next();
      if (ready !== 'ready') throw new Error(`a ledger instance said "${ready}" instead of ready`);
    }
    for (const worker of workers) worker.stdin.write('go\n');
    const perInstance = await Promise.all(
      lines.map(async (next) => JSON.parse(await next()) as PostingResult),
    );
    const postings = perInstance.reduce((sum, r) => sum + r.postings, 0);
    const elapsed = Math.max(...perInstance.map((r) => r.seconds));
    return {
      ...postingCase,
      instances,
      seconds: elapsed,
      postings,
      postingsPerSecond: Math.round(postings / elapsed),
      perInstance,
    };
  } finally {
    for (const worker of workers) if (worker.exitCode === null) worker.kill('SIGKILL');
  }
}

export function logPosting(r: PostingResult, ceilingPerSecond: number): void {
  log(
    `${r.workload} batch ${r.batchSize} × ${r.concurrency}: ledger ${r.postingsPerSecond} postings/s (batch p50 ${r.batch.p50Ms} ms, p99 ${r.batch.p99Ms} ms), pgbench ${ceilingPerSecond}/s`,
  );
}
