import { performance } from 'node:perf_hooks';
import type { createDataSource } from '@credit/platform';
import { ScoreBandFloors } from '../apps/portfolio/src/domain/score-band';
import { PortfolioStore } from '../apps/portfolio/src/infrastructure/portfolio-store';
import { portfolioMigrations } from '../apps/portfolio/src/migrations';
import { envInt, log, migratedBenchDatabase, round } from './support';

/**
 * The portfolio at scale (`run.ts portfolio`, BENCH_PORTFOLIO_LOANS, default 100,000): a portfolio
 * database migrated with the portfolio's migrations is bulk-loaded with generate_series in the
 * shape the event handlers write — per loan its decision (score and band), its origin, and its
 * snapshots as the repayment changelog records them: one per business day in the last month of
 * the book and one at each earlier month end since origination (loans originated over twelve
 * months; one in twenty goes past due 30 days after its start and is charged off past 180; one in
 * seven is paid off after 180 days). Then each report's store query runs on the book's last day,
 * timed, and its figures are checked against counts taken directly from the loaded rows.
 */
export const PortfolioDatabase = 'credit_bench_portfolio';

/** The book's year: originations over its months, daily snapshots in its last month. */
const BookYear = 2025;
export const PortfolioAsOf = `${BookYear}-12-31`;
const Currency = 'CNY';

export interface PortfolioReportTiming {
  readonly report: string;
  readonly seconds: number;
  /** What the report counted, to show it read the whole book (e.g. active loans). */
  readonly rows: number;
}

export interface PortfolioPart {
  readonly loans: number;
  readonly snapshots: number;
  readonly loadSeconds: number;
  readonly asOf: string;
  readonly reports: PortfolioReportTiming[];
}

const bandSql = `CASE ${ScoreBandFloors.map((b) => `WHEN score >= ${b.minScore} THEN '${b.band}'`).join(' ')} ELSE 'E' END`;

async function load(dataSource: ReturnType<typeof createDataSource>, loans: number) {
  await dataSource.transaction(async (runner) => {
    await runner.query(`SET LOCAL statement_timeout = 0`);
    await runner.query(
      `CREATE TEMP TABLE bench_loans ON COMMIT DROP AS
       SELECT n, 'L' || lpad(n::text, 7, '0') AS loan_id, 'A' || lpad(n::text, 7, '0') AS application_id,
              'C' || (n % 40000) AS customer_id,
              (date '${BookYear}-01-01' + make_interval(months => n % 12, days => n % 28))::date AS start_date,
              (1000 + (n % 50) * 100)::numeric AS principal,
              CASE WHEN n % 3 = 0 THEN 'cash-loan' ELSE 'installment-purchase' END AS product,
              450 + (n * 7919) % 150 AS score
         FROM generate_series(1, $1::int) n`,
      [loans],
    );
    await runner.query(
      `INSERT INTO decisions (application_id, customer_id, kind, decision, model_version, score, score_band, decided_at)
       SELECT application_id, customer_id, 'draw', 'approved', 'bench', score, ${bandSql}, start_date
         FROM bench_loans`,
    );
    await runner.query(
      `INSERT INTO loan_origins (loan_id, application_id, customer_id, line_id)
       SELECT loan_id, application_id, customer_id, NULL FROM bench_loans`,
    );
    await runner.query(
      `WITH dates AS (
         SELECT (d + interval '1 month - 1 day')::date AS as_of
           FROM generate_series(date '${BookYear}-01-01', date '${BookYear}-11-01', interval '1 month') d
         UNION ALL
         SELECT d::date FROM generate_series(date '${BookYear}-12-01', date '${PortfolioAsOf}', interval '1 day') d),
       states AS (
         SELECT l.*, d.as_of, d.as_of - l.start_date AS age,
                CASE WHEN l.n % 20 = 0 THEN greatest(0, d.as_of - l.start_date - 30)
                     WHEN l.n % 20 = 1 AND d.as_of - l.start_date > 60 THEN least(d.as_of - l.start_date - 60, 20)
                     ELSE 0 END AS dpd
           FROM bench_loans l JOIN dates d ON d.as_of >= l.start_date),
       statuses AS (
         SELECT s.*, CASE WHEN dpd > 180 THEN 'charged-off'
                          WHEN n % 7 = 0 AND age > 180 THEN 'paid-off' ELSE 'active' END AS status
           FROM states s)
       INSERT INTO loan_snapshots (loan_id, as_of, version, customer_id, line_id, product, currency,
              principal, start_date, maturity_date, status, days_past_due, principal_outstanding,
              interest_outstanding, fee_outstanding, penalty_outstanding, first_installment_missed,
              valid_until)
       SELECT loan_id, as_of, 1, customer_id, NULL, product, '${Currency}', principal, start_date,
              start_date + 365, status, CASE WHEN status = 'active' THEN dpd ELSE 0 END,
              CASE WHEN status = 'active' THEN round(principal * greatest(0.05, 1 - age / 365.0), 2) ELSE 0 END,
              CASE WHEN status = 'active' THEN round(principal * 0.0005 * least(dpd, 30), 2) ELSE 0 END,
              0, CASE WHEN status = 'active' AND dpd > 0 THEN 1.50 ELSE 0 END,
              n % 20 = 0 AND age > 30,
              COALESCE(lead(as_of) OVER (PARTITION BY loan_id ORDER BY as_of), 'infinity')
         FROM statuses`,
    );
  });
  await dataSource.query(`VACUUM ANALYZE`);
}

async function timed<T>(
  report: string,
  work: () => Promise<T>,
  rowsOf: (result: T) => number,
): Promise<PortfolioReportTiming & { result: T }> {
  const started = performance.now();
  const result = await work();
  const seconds = round((performance.now() - started) / 1000, 2);
  const rows = rowsOf(result);
  log(`portfolio ${report}: ${seconds} s (${rows})`);
  return { report, seconds, rows, result };
}

export async function portfolioPart(): Promise<PortfolioPart> {
  const loans = envInt('BENCH_PORTFOLIO_LOANS', 100_000);
  const dataSource = await migratedBenchDatabase(
    PortfolioDatabase,
    'portfolio_migrations',
    portfolioMigrations,
  );
  try {
    const loadStarted = performance.now();
    await load(dataSource, loans);
    const loadSeconds = round((performance.now() - loadStarted) / 1000, 1);
    const [{ snapshots = 0, active = 0 } = {}] = await dataSource.query<
      { snapshots: number; active: number }[]
    >(
      `SELECT (SELECT count(*) FROM loan_snapshots)::int AS snapshots,
              (SELECT count(*) FROM (SELECT DISTINCT ON (loan_id) status FROM loan_snapshots
                                      ORDER BY loan_id, as_of DESC) b WHERE status = 'active')::int AS active`,
    );
    log(`portfolio: ${loans} loans, ${snapshots} snapshots loaded in ${loadSeconds} s`);
    const manager = dataSource.manager;
    const previousMonthEnd = `${BookYear}-11-30`;
    const delinquency = await timed(
      'delinquency',
      () => PortfolioStore.delinquencyTotals(manager, PortfolioAsOf, Currency),
      (t) => t.loans,
    );
    const rollRates = await timed(
      'roll rates',
      () => PortfolioStore.rollRateCounts(manager, previousMonthEnd, PortfolioAsOf, Currency),
      (counts) => counts.reduce((sum, c) => sum + c.loans, 0),
    );
    const concentration = await timed(
      'concentration',
      () => PortfolioStore.concentrationCells(manager, PortfolioAsOf, Currency),
      (cells) => cells.reduce((sum, c) => sum + c.loans, 0),
    );
    const vintages = await timed(
      'vintages',
      () => PortfolioStore.vintageCounts(manager, PortfolioAsOf, Currency),
      (counts) => counts.cohorts.reduce((sum, c) => sum + c.loans, 0),
    );
    if (delinquency.rows !== active || concentration.rows !== active)
      throw new Error(
        `the reports counted ${delinquency.rows} (delinquency) and ${concentration.rows} (concentration) active loans, the book has ${active}`,
      );
    if (vintages.rows !== loans)
      throw new Error(`the vintages counted ${vintages.rows} loans, ${loans} were loaded`);
    return {
      loans,
      snapshots,
      loadSeconds,
      asOf: PortfolioAsOf,
      reports: [delinquency, rollRates, concentration, vintages].map(
        ({ report, seconds, rows }) => ({ report, seconds, rows }),
      ),
    };
  } finally {
    await dataSource.destroy();
  }
}
