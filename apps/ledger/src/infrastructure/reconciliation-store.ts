import type { DataSource, EntityManager } from 'typeorm';
import type { PayoutStatementReconciledV1Payload } from '@credit/contracts';
import {
  type LoanComponent,
  LoanComponentAccounts,
  type LoanPosition,
} from '../domain/loan-position';

/** A payout break as the check finds it (amounts as text, null for the side that has none). */
export interface PayoutBreakRow {
  source: 'disbursement' | 'ledger';
  business_date: string;
  kind: 'paid-not-booked' | 'booked-not-paid' | 'amount-differs';
  /** The bank reference, or for an entry no statement names, its event type. */
  reference: string;
  bank: string | null;
  bank_currency: string | null;
  booked: string | null;
  booked_currency: string | null;
  /** The booking event (ledger side). */
  event_id: string | null;
}

/** One loan component whose figure in the changelog differs from the ledger's balance. */
export interface LoanBreakRow {
  loan_id: string;
  component: LoanComponent;
  currency: string;
  /** The projection's version; null when the ledger has a balance for a loan it has no position of. */
  version: number | null;
  expected: string;
  ledger: string;
  difference: string;
  position_updated_at: string | null;
  ledger_updated_at: string | null;
}

export interface LoanChunk {
  checked: number;
  /** The last loan id of the chunk: the next chunk starts after it; null when there was none. */
  last: string | null;
  breakCount: number;
  breaks: LoanBreakRow[];
}

export type RunTrigger = 'daily' | 'operator';
export type RunStatus = 'running' | 'completed' | 'failed';

export interface RunRow {
  id: string;
  trigger: RunTrigger;
  business_date: string;
  idempotency_key: string | null;
  requested_by: string | null;
  status: RunStatus;
  loans_total: number;
  loans_checked: number;
  ran_at: Date;
  finished_at: Date | null;
  ok: boolean | null;
  breaks: number | null;
  error: string | null;
  report: unknown;
}

/**
 * A running run whose process stopped updating it for this long is reported as failed (the
 * instance died). Each step of a run refreshes the heartbeat: a chunk of loans or one event check.
 */
export const RunStaleAfterSeconds = 600;

/** The statement timeout of one check (a chunk of loans takes well under a second). */
export const CheckStatementTimeout = '5min';

const RunColumns = `id::text, trigger, to_char(business_date, 'YYYY-MM-DD') AS business_date,
  idempotency_key, requested_by, status, loans_total, loans_checked, ran_at, finished_at, ok, breaks, error`;

const components = Object.entries(LoanComponentAccounts) as [LoanComponent, string][];

/** The expected receivable of each component, from a `loan_positions` row aliased `p`. */
const expectedColumns: Record<LoanComponent, string> = {
  principal: 'p.principal_outstanding',
  interest: 'p.interest_receivable',
  fee: 'p.fee_receivable',
  penalty: 'p.penalty_receivable',
};

const isoTime = (column: string) =>
  `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * One chunk of loans, in loan id order after `$1`, up to `$2` loans: each loan's four expected
 * receivables against the balance (debits − credits) of its account in the loan's currency, in one
 * statement. Returns how many loans were checked, the last loan id, how many components differ
 * and up to `$3` of them. The balance is read by a scalar subquery, one primary-key probe per
 * account (summed, so it stays right should an account's balance be split over several rows): a
 * join lets the planner hash the whole balances table for every chunk (bench: 2× slower at
 * 100,000 loans, and growing with the table).
 */
const LoanChunkSql = `
  WITH p AS (
    SELECT * FROM loan_positions WHERE loan_id > $1 ORDER BY loan_id LIMIT $2
  ), expected AS (
    SELECT p.loan_id, p.version, p.currency, p.updated_at, c.component, c.account_id, c.amount
      FROM p CROSS JOIN LATERAL (VALUES ${components
        .map(
          ([component, root]) =>
            `('${component}', '${root}:' || p.loan_id, ${expectedColumns[component]})`,
        )
        .join(', ')}) AS c(component, account_id, amount)
  ), compared AS (
    SELECT e.*, coalesce((SELECT sum(b.posted_debits - b.posted_credits) FROM balances b
                           WHERE b.account_id = e.account_id AND b.currency = e.currency), 0) AS ledger
      FROM expected e
  ), differing AS (
    SELECT d.*, (SELECT max(b.updated_at) FROM balances b
                  WHERE b.account_id = d.account_id AND b.currency = d.currency) AS ledger_updated_at
      FROM compared d WHERE amount <> ledger
  )
  SELECT (SELECT count(*) FROM p)::int AS checked,
         (SELECT max(loan_id) FROM p) AS last,
         (SELECT count(*) FROM differing)::int AS "breakCount",
         coalesce((SELECT json_agg(json_build_object(
                     'loan_id', loan_id, 'component', component, 'currency', currency,
                     'version', version, 'expected', amount::text, 'ledger', ledger::text,
                     'difference', (ledger - amount)::text,
                     'position_updated_at', ${isoTime('updated_at')},
                     'ledger_updated_at', ${isoTime('ledger_updated_at')}) ORDER BY loan_id, component)
                     FROM (SELECT * FROM differing ORDER BY loan_id, component LIMIT $3) d), '[]'::json) AS breaks`;

/**
 * The other way round: loan accounts with a balance whose loan has no position (the changelog
 * never told the ledger about that loan, or has not yet). Counted, and up to `$2` listed.
 */
const LoansWithoutPositionSql = `
  WITH orphan AS (
    SELECT substr(a.id, length(a.parent_id) + 2) AS loan_id, a.parent_id, b.currency,
           b.posted_debits - b.posted_credits AS ledger, b.updated_at
      FROM accounts a JOIN balances b ON b.account_id = a.id
     WHERE a.parent_id = ANY($1) AND b.posted_debits <> b.posted_credits
       AND NOT EXISTS (SELECT 1 FROM loan_positions p
                        WHERE p.loan_id = substr(a.id, length(a.parent_id) + 2))
  )
  SELECT (SELECT count(*) FROM orphan)::int AS "breakCount",
         coalesce((SELECT json_agg(json_build_object(
                     'loan_id', loan_id, 'parent', parent_id, 'currency', currency,
                     'ledger', ledger::text, 'ledger_updated_at', ${isoTime('updated_at')})
                     ORDER BY loan_id, parent_id)
                     FROM (SELECT * FROM orphan ORDER BY loan_id, parent_id LIMIT $2) o), '[]'::json) AS breaks`;

/** The SQL of reconciliation: the loan positions projection, the set-based checks, the runs. */
export class ReconciliationStore {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * A check statement in a read-only transaction with JIT off: the probes' cost estimates make
   * PostgreSQL compile each chunk's plan (bench, 100,000 loans: 640 ms of JIT for a 57 ms chunk).
   * The whole-table checks (accounts without a position, inbox against entries) may outlast the
   * pool's 30 s statement timeout on a very large ledger: they get CheckStatementTimeout.
   */
  private async check<T>(sql: string, params: unknown[]): Promise<T[]> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query(
        `SET TRANSACTION READ ONLY; SET LOCAL jit = off; SET LOCAL statement_timeout = '${CheckStatementTimeout}'`,
      );
      return manager.query<T[]>(sql, params);
    });
  }

  /**
   * Records a loan's position unless the stored one is as new or newer: a redelivered, replayed or
   * overtaken changelog event changes nothing. True when it wrote.
   */
  static async upsertPosition(manager: EntityManager, position: LoanPosition): Promise<boolean> {
    const written = await manager.query<{ loan_id: string }[]>(
      `INSERT INTO loan_positions AS p (loan_id, version, customer_id, line_id, currency, status,
              principal_outstanding, interest_receivable, fee_receivable, penalty_receivable, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, clock_timestamp())
       ON CONFLICT (loan_id) DO UPDATE
          SET version = EXCLUDED.version, customer_id = EXCLUDED.customer_id, line_id = EXCLUDED.line_id,
              currency = EXCLUDED.currency, status = EXCLUDED.status,
              principal_outstanding = EXCLUDED.principal_outstanding,
              interest_receivable = EXCLUDED.interest_receivable,
              fee_receivable = EXCLUDED.fee_receivable, penalty_receivable = EXCLUDED.penalty_receivable,
              updated_at = EXCLUDED.updated_at
        WHERE p.version < EXCLUDED.version
       RETURNING loan_id`,
      [
        position.loanId,
        position.version,
        position.customerId,
        position.lineId,
        position.currency,
        position.status,
        position.receivables.principal,
        position.receivables.interest,
        position.receivables.fee,
        position.receivables.penalty,
      ],
    );
    return written.length > 0;
  }

  async countPositions(): Promise<number> {
    const [row] = await this.dataSource.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM loan_positions`,
    );
    return row?.n ?? 0;
  }

  /** The loans after `after` (exclusive, in id order), at most `limit`, checked in one statement. */
  async checkLoans(after: string, limit: number, listMax: number): Promise<LoanChunk> {
    const [row] = await this.check<LoanChunk>(LoanChunkSql, [after, limit, listMax]);
    if (!row) throw new Error('the loan check returned no row');
    return row;
  }

  async loansWithoutPosition(
    listMax: number,
  ): Promise<{ breakCount: number; breaks: LoanBreakRow[] }> {
    const [row] = await this.check<{
      breakCount: number;
      breaks: {
        loan_id: string;
        parent: string;
        currency: string;
        ledger: string;
        ledger_updated_at: string;
      }[];
    }>(LoansWithoutPositionSql, [components.map(([, root]) => root), listMax]);
    if (!row) throw new Error('the loans-without-position check returned no row');
    const componentOf = new Map(components.map(([component, root]) => [root, component]));
    return {
      breakCount: row.breakCount,
      breaks: row.breaks.map((b) => ({
        loan_id: b.loan_id,
        component: componentOf.get(b.parent) ?? 'principal',
        currency: b.currency,
        version: null,
        expected: '0',
        ledger: b.ledger,
        difference: b.ledger,
        position_updated_at: null,
        ledger_updated_at: b.ledger_updated_at,
      })),
    };
  }

  /** Keeps a reconciled bank statement unless a later reconciliation of its date is stored. */
  static async upsertStatement(
    manager: EntityManager,
    eventId: string,
    statement: PayoutStatementReconciledV1Payload,
  ): Promise<void> {
    await manager.query(
      `INSERT INTO payout_statements AS s (business_date, event_id, reconciled_at, lines, breaks)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (business_date) DO UPDATE
          SET event_id = EXCLUDED.event_id, reconciled_at = EXCLUDED.reconciled_at,
              lines = EXCLUDED.lines, breaks = EXCLUDED.breaks
        WHERE s.reconciled_at < EXCLUDED.reconciled_at`,
      [
        statement.businessDate,
        eventId,
        statement.reconciledAt,
        JSON.stringify(statement.lines),
        JSON.stringify(statement.breaks),
      ],
    );
  }

  /**
   * The bank statements against the journal and the disbursement's own breaks: a statement line
   * whose booking event has no entry crediting the bank (paid, not booked), or one for another
   * amount (amount differs); an entry crediting the bank for a payout (loan.disbursed,
   * merchant.settled) that no statement line names, once the statements of the day before, the
   * day and the day after it is effective are in (booked, not paid: the bank pays a cash loan
   * before it is booked, a settlement after its business date, within a day). Up to `listMax`.
   */
  async checkPayouts(listMax: number): Promise<{ statements: number; breaks: PayoutBreakRow[] }> {
    const [count] = await this.check<{ n: number }>(
      `SELECT count(*)::int AS n FROM payout_statements`,
      [],
    );
    const breaks = await this.check<PayoutBreakRow>(
      `WITH lines AS (
         SELECT s.business_date, l.reference, (l.amount ->> 'amount')::numeric AS amount,
                l.amount ->> 'currency' AS currency, l."bookedBy" AS booked_by
           FROM payout_statements s,
                jsonb_to_recordset(s.lines) AS l(reference text, amount jsonb, "bookedBy" uuid)
       ), booked AS (
         SELECT e.source_event_id, e.source_event_type, jl.currency, sum(jl.amount) AS amount,
                (e.effective_at AT TIME ZONE 'UTC')::date AS effective_on
           FROM journal_entries e JOIN journal_lines jl ON jl.entry_id = e.id
          WHERE jl.account_id = 'assets:bank:settlement' AND jl.side = 'credit'
            AND e.source_event_type IN ('loan.disbursed', 'merchant.settled')
          GROUP BY e.source_event_id, e.source_event_type, jl.currency, e.effective_at
       )
       SELECT * FROM (
         SELECT 'disbursement' AS source, to_char(s.business_date, 'YYYY-MM-DD') AS business_date,
                b.kind, b.reference, b.bank ->> 'amount' AS bank, b.bank ->> 'currency' AS bank_currency,
                b.platform ->> 'amount' AS booked, b.platform ->> 'currency' AS booked_currency,
                NULL::text AS event_id
           FROM payout_statements s,
                jsonb_to_recordset(s.breaks) AS b(kind text, reference text, bank jsonb, platform jsonb)
         UNION ALL
         SELECT 'ledger', to_char(l.business_date, 'YYYY-MM-DD'),
                CASE WHEN b.source_event_id IS NULL THEN 'paid-not-booked' ELSE 'amount-differs' END,
                l.reference, l.amount::text, l.currency, b.amount::text, b.currency, l.booked_by::text
           FROM lines l LEFT JOIN booked b ON b.source_event_id = l.booked_by
          WHERE b.source_event_id IS NULL OR b.amount <> l.amount OR b.currency <> l.currency
         UNION ALL
         SELECT 'ledger', to_char(b.effective_on, 'YYYY-MM-DD'), 'booked-not-paid',
                b.source_event_type, NULL, NULL, b.amount::text, b.currency, b.source_event_id::text
           FROM booked b
          WHERE (SELECT count(*) FROM payout_statements s
                  WHERE s.business_date BETWEEN b.effective_on - 1 AND b.effective_on + 1) = 3
            AND NOT EXISTS (SELECT 1 FROM lines l WHERE l.booked_by = b.source_event_id)
       ) x
       ORDER BY business_date, source, reference, kind
       LIMIT $1`,
      [listMax],
    );
    return { statements: count?.n ?? 0, breaks };
  }

  /** Events the handler recorded in its inbox: how many, and up to `listMax` without an entry. */
  async eventsWithoutEntry(
    handler: string,
    listMax: number,
  ): Promise<{ posted: number; withoutEntry: string[] }> {
    const [row] = await this.check<{ posted: number; without_entry: string[] }>(
      `SELECT (SELECT count(*) FROM inbox WHERE handler = $1)::int AS posted,
              coalesce((SELECT array_agg(event_id::text) FROM (
                 SELECT i.event_id FROM inbox i
                  WHERE i.handler = $1
                    AND NOT EXISTS (SELECT 1 FROM journal_entries e WHERE e.source_event_id = i.event_id)
                  ORDER BY i.event_id LIMIT $2) w), '{}') AS without_entry`,
      [handler, listMax],
    );
    return { posted: row?.posted ?? 0, withoutEntry: row?.without_entry ?? [] };
  }

  /** Event-sourced entries whose event the handler has not recorded, up to `listMax`. */
  async entriesWithoutEvent(handler: string, listMax: number): Promise<string[]> {
    const rows = await this.check<{ id: string }>(
      `SELECT e.id FROM journal_entries e
        WHERE e.source_event_id IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM inbox i WHERE i.handler = $1 AND i.event_id = e.source_event_id)
        ORDER BY e.id LIMIT $2`,
      [handler, listMax],
    );
    return rows.map((r) => r.id);
  }

  // ------------------------------------------------------------------------------------- runs

  /** Inserts a running run, or returns the run this idempotency key already asked for. */
  async createRun(run: {
    trigger: RunTrigger;
    businessDate: string;
    idempotencyKey: string | null;
    requestedBy: string | null;
  }): Promise<{ row: RunRow; created: boolean }> {
    const [inserted] = await this.dataSource.query<RunRow[]>(
      `INSERT INTO reconciliation_runs (trigger, business_date, idempotency_key, requested_by, status)
       VALUES ($1, $2, $3, $4, 'running')
       ON CONFLICT (idempotency_key) DO NOTHING
       RETURNING ${RunColumns}`,
      [run.trigger, run.businessDate, run.idempotencyKey, run.requestedBy],
    );
    if (inserted) return { row: inserted, created: true };
    const [existing] = await this.dataSource.query<RunRow[]>(
      `SELECT ${RunColumns} FROM reconciliation_runs WHERE idempotency_key = $1`,
      [run.idempotencyKey],
    );
    if (!existing) throw new Error(`reconciliation run with key ${run.idempotencyKey} vanished`);
    return { row: existing, created: false };
  }

  async progress(id: string, progress: { total?: number; checked?: number }): Promise<void> {
    await this.dataSource.query(
      `UPDATE reconciliation_runs
          SET loans_total = coalesce($2, loans_total), loans_checked = coalesce($3, loans_checked),
              heartbeat_at = now()
        WHERE id = $1 AND status = 'running'`,
      [id, progress.total ?? null, progress.checked ?? null],
    );
  }

  async complete(id: string, ok: boolean, breaks: number, report: unknown): Promise<void> {
    await this.dataSource.query(
      `UPDATE reconciliation_runs
          SET status = 'completed', ok = $2, breaks = $3, report = $4, finished_at = now(), heartbeat_at = now()
        WHERE id = $1 AND status = 'running'`,
      [id, ok, breaks, JSON.stringify(report)],
    );
  }

  async fail(id: string, error: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE reconciliation_runs SET status = 'failed', error = $2, finished_at = now()
        WHERE id = $1 AND status = 'running'`,
      [id, error],
    );
  }

  /** Runs whose instance stopped while they ran (no heartbeat for a while) are marked failed. */
  async failStale(): Promise<void> {
    await this.dataSource.query(
      `UPDATE reconciliation_runs
          SET status = 'failed', finished_at = now(),
              error = 'interrupted: the instance running it stopped'
        WHERE status = 'running' AND heartbeat_at < now() - make_interval(secs => $1)`,
      [RunStaleAfterSeconds],
    );
  }

  async get(id: string): Promise<RunRow | undefined> {
    const [row] = await this.dataSource.query<RunRow[]>(
      `SELECT ${RunColumns}, report FROM reconciliation_runs WHERE id = $1`,
      [id],
    );
    return row;
  }

  /** The latest runs first, without their reports. */
  async list(limit: number): Promise<RunRow[]> {
    return this.dataSource.query<RunRow[]>(
      `SELECT ${RunColumns} FROM reconciliation_runs ORDER BY id DESC LIMIT $1`,
      [limit],
    );
  }

  /** The latest completed run, with its report. */
  async latestCompleted(): Promise<RunRow | undefined> {
    const [row] = await this.dataSource.query<RunRow[]>(
      `SELECT ${RunColumns}, report FROM reconciliation_runs
        WHERE status = 'completed' ORDER BY id DESC LIMIT 1`,
    );
    return row;
  }

  /** The latest daily run of a business date (its verdict), if any. */
  async latestDaily(businessDate: string): Promise<RunRow | undefined> {
    const [row] = await this.dataSource.query<RunRow[]>(
      `SELECT ${RunColumns} FROM reconciliation_runs
        WHERE business_date = $1 AND trigger = 'daily' ORDER BY id DESC LIMIT 1`,
      [businessDate],
    );
    return row;
  }
}
