import { performance } from 'node:perf_hooks';
import pino from 'pino';
import type { createDataSource } from '@credit/platform';
import { LoanComponentAccounts } from '../apps/ledger/src/domain/loan-position';
import { ledgerMigrations } from '../apps/ledger/src/migrations';
import { PostingHandlerName } from '../apps/ledger/src/post-events/posting-handlers';
import {
  type ReconciliationReport,
  ReconciliationChunkLoans,
  ReconciliationService,
} from '../apps/ledger/src/reconciliation/reconciliation.service';
import { TrialBalanceService } from '../apps/ledger/src/trial-balance/trial-balance.service';
import { envInt, log, migratedBenchDatabase, round } from './support';

/**
 * Reconciliation at scale (`run.ts reconciliation`, BENCH_RECONCILIATION_LOANS, default 100,000):
 * a ledger database migrated with the ledger's migrations is bulk-loaded with generate_series:
 * per loan its four accounts and balance rows, one posted entry (from a consumed event, with its
 * inbox row) putting principal, interest, fee and penalty on them, and the loan's position as the
 * repayment changelog would have projected it. Then the ledger's own ReconciliationService runs,
 * once on matching books and once with breaks planted (positions changed, positions removed), which
 * it must find, every one.
 */
export const ReconciliationDatabase = 'credit_bench_reconciliation';

export interface ReconciliationRunResult {
  readonly seconds: number;
  readonly loansPerSecond: number;
  readonly loansChecked: number;
  readonly ok: boolean;
  readonly breaksFound: number;
}

export interface ReconciliationPart {
  readonly loans: number;
  readonly chunkLoans: number;
  readonly loadSeconds: number;
  readonly clean: ReconciliationRunResult;
  readonly withBreaks: ReconciliationRunResult & { readonly breaksPlanted: number };
}

/** Each loan's figures from its number n: principal, interest, fee and penalty (some zero). */
const FiguresSql = `
  SELECT n, 'L' || lpad(n::text, 7, '0') AS loan_id, gen_random_uuid() AS entry_id,
         gen_random_uuid() AS event_id,
         (1000 + n % 100)::numeric + 0.50 AS principal, (n % 7) * 1.25 AS interest,
         (n % 3) * 2.00 AS fee, (n % 5) * 0.10 AS penalty
    FROM generate_series(1, $1::int) n`;

const roots = LoanComponentAccounts;

async function load(dataSource: ReturnType<typeof createDataSource>, loans: number) {
  await dataSource.transaction(async (runner) => {
    await runner.query(`SET LOCAL statement_timeout = 0`);
    await runner.query(`CREATE TEMP TABLE bench_loans ON COMMIT DROP AS ${FiguresSql}`, [loans]);
    await runner.query(
      `ALTER TABLE bench_loans ADD COLUMN total numeric, ADD COLUMN running numeric`,
    );
    await runner.query(
      `UPDATE bench_loans b SET total = principal + interest + fee + penalty,
              running = r.running
         FROM (SELECT n, sum(principal + interest + fee + penalty) OVER (ORDER BY n) AS running
                 FROM bench_loans) r
        WHERE r.n = b.n`,
    );
    // The loan's four accounts under their roots, each with its balance row.
    await runner.query(
      `INSERT INTO accounts (id, name, type, normal_side, currency, parent_id, created_by)
       SELECT c.root || ':' || b.loan_id, 'bench loan ' || b.loan_id, 'asset', 'debit', 'CNY', c.root, 'system:bench'
         FROM bench_loans b CROSS JOIN unnest($1::text[]) AS c(root)`,
      [Object.values(roots)],
    );
    await runner.query(
      `INSERT INTO balances (account_id, currency, posted_debits, line_count)
       SELECT c.account_id, 'CNY', c.amount, (c.amount > 0)::int
         FROM bench_loans b CROSS JOIN LATERAL (VALUES
                ($1 || ':' || b.loan_id, b.principal), ($2 || ':' || b.loan_id, b.interest),
                ($3 || ':' || b.loan_id, b.fee), ($4 || ':' || b.loan_id, b.penalty)) AS c(account_id, amount)`,
      [roots.principal, roots.interest, roots.fee, roots.penalty],
    );
    // One entry per loan, from a consumed event (its inbox row), debiting the four accounts.
    await runner.query(
      `INSERT INTO journal_entries (id, idempotency_key, request_hash, effective_at, posted_at, description,
                                    source_event_id, source_event_type, rule, actor)
       SELECT entry_id, 'bench-reconciliation-' || n, 'bench', t, t, 'bench loan ' || loan_id, event_id,
              'loan.disbursed', 'bench', 'system:bench'
         FROM (SELECT *, timestamptz '2020-01-01' + n * interval '1 second' AS t FROM bench_loans) b
        ORDER BY n`,
    );
    await runner.query(
      `INSERT INTO journal_lines (entry_id, line_no, account_id, side, amount, currency, entry_seq, posted_at, balance_after)
       SELECT e.id, l.line_no, l.account_id, l.side, l.amount, 'CNY', e.seq, e.posted_at, l.balance_after
         FROM bench_loans b JOIN journal_entries e ON e.id = b.entry_id
        CROSS JOIN LATERAL (VALUES
                (1, $1 || ':' || b.loan_id, 'debit', b.principal, b.principal),
                (2, $2 || ':' || b.loan_id, 'debit', b.interest, b.interest),
                (3, $3 || ':' || b.loan_id, 'debit', b.fee, b.fee),
                (4, $4 || ':' || b.loan_id, 'debit', b.penalty, b.penalty),
                (5, 'equity:capital', 'credit', b.total, -b.running)) AS l(line_no, account_id, side, amount, balance_after)
        WHERE l.amount > 0`,
      [roots.principal, roots.interest, roots.fee, roots.penalty],
    );
    await runner.query(
      `INSERT INTO balances (account_id, currency) VALUES ('equity:capital', 'CNY') ON CONFLICT DO NOTHING`,
    );
    await runner.query(
      `UPDATE balances SET posted_credits = posted_credits + (SELECT sum(total) FROM bench_loans),
              line_count = line_count + $1::bigint
        WHERE account_id = 'equity:capital' AND currency = 'CNY'`,
      [loans],
    );
    await runner.query(
      `INSERT INTO inbox (handler, event_id, event_type, topic, partition, "offset")
       SELECT $1, event_id, 'loan.disbursed', 'bench', 0, n FROM bench_loans`,
      [PostingHandlerName],
    );
    // What the repayment changelog would have projected: the same figures, version 1.
    await runner.query(
      `INSERT INTO loan_positions (loan_id, version, customer_id, line_id, currency, status,
                                   principal_outstanding, interest_receivable, fee_receivable, penalty_receivable)
       SELECT loan_id, 1, 'C' || n, NULL, 'CNY', 'active', principal, interest, fee, penalty FROM bench_loans`,
    );
  });
  await dataSource.query(`VACUUM ANALYZE`);
}

/**
 * Breaks planted: every 100th loan's principal position is off by 0.01, and the positions of ten
 * other loans are removed (each of their non-zero accounts is then a balance without a position).
 * Returns how many component breaks that makes.
 */
async function plantBreaks(dataSource: ReturnType<typeof createDataSource>): Promise<number> {
  const [planted] = await dataSource.query<{ changed: number; orphans: number }[]>(
    `WITH removed AS (
       SELECT loan_id FROM loan_positions WHERE right(loan_id, 2) = '50' ORDER BY loan_id LIMIT 10
     )
     SELECT (SELECT count(*) FROM loan_positions WHERE right(loan_id, 2) = '00')::int AS changed,
            (SELECT count(*) FROM balances
              WHERE account_id IN (SELECT r || ':' || loan_id FROM removed, unnest($1::text[]) r)
                AND posted_debits <> posted_credits)::int AS orphans`,
    [Object.values(roots)],
  );
  await dataSource.query(
    `UPDATE loan_positions SET principal_outstanding = principal_outstanding + 0.01, version = version + 1
      WHERE right(loan_id, 2) = '00'`,
  );
  await dataSource.query(
    `DELETE FROM loan_positions
      WHERE loan_id IN (SELECT loan_id FROM loan_positions WHERE right(loan_id, 2) = '50'
                         ORDER BY loan_id LIMIT 10)`,
  );
  return (planted?.changed ?? 0) + (planted?.orphans ?? 0);
}

async function timedRun(
  service: ReconciliationService,
  businessDate: string,
): Promise<ReconciliationRunResult & { report: ReconciliationReport }> {
  const started = performance.now();
  const ran = await service.runDaily(businessDate);
  const seconds = (performance.now() - started) / 1000;
  if (!ran) throw new Error(`the reconciliation of ${businessDate} did not run`);
  const { report } = ran;
  return {
    seconds: round(seconds, 2),
    loansPerSecond: Math.round(report.loans.checked / seconds),
    loansChecked: report.loans.checked,
    ok: report.ok,
    breaksFound: report.loans.breakCount,
    report,
  };
}

export async function reconciliationPart(): Promise<ReconciliationPart> {
  const loans = envInt('BENCH_RECONCILIATION_LOANS', 100_000);
  const dataSource = await migratedBenchDatabase(
    ReconciliationDatabase,
    'ledger_migrations',
    ledgerMigrations,
  );
  try {
    const loadStarted = performance.now();
    await load(dataSource, loans);
    const loadSeconds = round((performance.now() - loadStarted) / 1000, 1);
    log(
      `reconciliation: ${loans} loans, their accounts, entries and positions loaded in ${loadSeconds} s`,
    );
    const service = new ReconciliationService(
      dataSource,
      new TrialBalanceService(dataSource),
      pino({ level: 'silent' }),
    );
    const { report: cleanReport, ...clean } = await timedRun(service, '2026-01-01');
    if (!clean.ok || clean.loansChecked !== loans)
      throw new Error(
        `the matching books did not reconcile: ${JSON.stringify(cleanReport).slice(0, 2000)}`,
      );
    log(
      `reconciliation of ${loans} loans: ${clean.seconds} s, ${clean.loansPerSecond} loans/s, no break`,
    );
    const breaksPlanted = await plantBreaks(dataSource);
    const { report: broken, ...withBreaks } = await timedRun(service, '2026-01-02');
    if (withBreaks.breaksFound !== breaksPlanted || broken.ok)
      throw new Error(`planted ${breaksPlanted} breaks, the run found ${withBreaks.breaksFound}`);
    log(
      `reconciliation with ${breaksPlanted} breaks planted: ${withBreaks.seconds} s, ${withBreaks.loansPerSecond} loans/s, ${withBreaks.breaksFound} found`,
    );
    return {
      loans,
      chunkLoans: ReconciliationChunkLoans,
      loadSeconds,
      clean,
      withBreaks: { ...withBreaks, breaksPlanted },
    };
  } finally {
    await dataSource.destroy();
  }
}
