import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { Money, isMoneyError } from '@credit/money';

/** Differences listed in one report at most; all of them are counted and, with apply, fixed. */
export const RebuildDifferencesListedMax = 500;

/** What a balances row holds: posted sums from the journal, pending sums from pending holds. */
export interface BalanceFigures {
  postedDebits: string;
  postedCredits: string;
  pendingDebits: string;
  pendingCredits: string;
  lineCount: number;
}

export interface BalanceDifference {
  account: string;
  currency: string;
  /** The balances row as found; null when the journal has lines for a pair with no row. */
  stored: BalanceFigures | null;
  recomputed: BalanceFigures;
  /** recomputed − stored, field by field. */
  difference: BalanceFigures;
  /** The fields that differ. */
  fields: (keyof BalanceFigures)[];
}

export interface RebuildReport {
  /** Balances rows and (account, currency) pairs with journal lines or pending holds, compared. */
  accountsChecked: number;
  differenceCount: number;
  /** At most RebuildDifferencesListedMax, by account and currency. */
  differences: BalanceDifference[];
  differencesTruncated: boolean;
  /** True when the differences were written to the balances rows. */
  applied: boolean;
  /** Differences left after this run: 0 after an apply, differenceCount after a dry run. */
  remaining: number;
}

interface ComparedRow {
  account_id: string;
  currency: string;
  stored_exists: boolean;
  stored_pd: string | null;
  stored_pc: string | null;
  stored_ped: string | null;
  stored_pec: string | null;
  stored_lc: string | null;
  pd: string;
  pc: string;
  ped: string;
  pec: string;
  lc: string;
  diff_pd: string;
  diff_pc: string;
  diff_ped: string;
  diff_pec: string;
  diff_lc: string;
}

/**
 * One statement, so one snapshot: posted debits, credits and line count per account and currency
 * summed from journal_lines, pending debits and credits from the holds still pending (the only
 * source of pending amounts), each pair set against its balances row. Returns the number of pairs
 * compared and every pair that differs. `$1` restricts the comparison to some accounts (null: all).
 */
const CompareSql = `
  WITH posted AS (
    SELECT account_id, currency,
           coalesce(sum(amount) FILTER (WHERE side = 'debit'), 0)  AS pd,
           coalesce(sum(amount) FILTER (WHERE side = 'credit'), 0) AS pc,
           count(*)                                                AS lc
      FROM journal_lines
     WHERE $1::text[] IS NULL OR account_id = ANY($1)
     GROUP BY account_id, currency
  ), pending AS (
    SELECT account_id, currency, sum(debits) AS ped, sum(credits) AS pec
      FROM (SELECT debit_account AS account_id, currency, amount AS debits, 0::numeric AS credits
              FROM holds WHERE status = 'pending'
            UNION ALL
            SELECT credit_account, currency, 0::numeric, amount
              FROM holds WHERE status = 'pending') h
     WHERE $1::text[] IS NULL OR account_id = ANY($1)
     GROUP BY account_id, currency
  ), recomputed AS (
    SELECT coalesce(p.account_id, h.account_id) AS account_id,
           coalesce(p.currency, h.currency)     AS currency,
           coalesce(p.pd, 0) AS pd, coalesce(p.pc, 0) AS pc,
           coalesce(h.ped, 0) AS ped, coalesce(h.pec, 0) AS pec,
           coalesce(p.lc, 0) AS lc
      FROM posted p FULL JOIN pending h ON h.account_id = p.account_id AND h.currency = p.currency
  ), compared AS (
    SELECT coalesce(b.account_id, r.account_id) AS account_id,
           coalesce(b.currency, r.currency)     AS currency,
           b.account_id IS NOT NULL             AS stored_exists,
           b.posted_debits AS stored_pd, b.posted_credits AS stored_pc,
           b.pending_debits AS stored_ped, b.pending_credits AS stored_pec, b.line_count AS stored_lc,
           coalesce(r.pd, 0) AS pd, coalesce(r.pc, 0) AS pc,
           coalesce(r.ped, 0) AS ped, coalesce(r.pec, 0) AS pec, coalesce(r.lc, 0) AS lc
      FROM (SELECT * FROM balances WHERE $1::text[] IS NULL OR account_id = ANY($1)) b
      FULL JOIN recomputed r ON r.account_id = b.account_id AND r.currency = b.currency
  ), differing AS (
    SELECT * FROM compared
     WHERE NOT stored_exists
        OR (stored_pd, stored_pc, stored_ped, stored_pec, stored_lc) IS DISTINCT FROM (pd, pc, ped, pec, lc)
  )
  SELECT (SELECT count(*) FROM compared)::int AS checked,
         coalesce((SELECT json_agg(json_build_object(
                     'account_id', account_id, 'currency', currency, 'stored_exists', stored_exists,
                     'stored_pd', stored_pd::text, 'stored_pc', stored_pc::text,
                     'stored_ped', stored_ped::text, 'stored_pec', stored_pec::text,
                     'stored_lc', stored_lc::text,
                     'pd', pd::text, 'pc', pc::text, 'ped', ped::text, 'pec', pec::text, 'lc', lc::text,
                     'diff_pd', (pd - coalesce(stored_pd, 0))::text,
                     'diff_pc', (pc - coalesce(stored_pc, 0))::text,
                     'diff_ped', (ped - coalesce(stored_ped, 0))::text,
                     'diff_pec', (pec - coalesce(stored_pec, 0))::text,
                     'diff_lc', (lc - coalesce(stored_lc, 0))::text)
                   ORDER BY account_id, currency) FROM differing), '[]'::json) AS differing`;

interface Comparison {
  checked: number;
  differing: ComparedRow[];
}

const figureFields: {
  field: keyof BalanceFigures;
  diff: 'diff_pd' | 'diff_pc' | 'diff_ped' | 'diff_pec' | 'diff_lc';
}[] = [
  { field: 'postedDebits', diff: 'diff_pd' },
  { field: 'postedCredits', diff: 'diff_pc' },
  { field: 'pendingDebits', diff: 'diff_ped' },
  { field: 'pendingCredits', diff: 'diff_pec' },
  { field: 'lineCount', diff: 'diff_lc' },
];

/** PostgreSQL's text of a numeric zero: 0, 0.00, -0.00. */
const isZero = (numeric: string) => /^-?0(\.0+)?$/.test(numeric);

/**
 * At the currency's scale (`0` and `0.00` read alike); a corrupt figure that Money refuses (more
 * decimals than the currency has) is shown exactly as stored, since that is what the report is for.
 */
function amount(value: string, currency: string): string {
  try {
    return Money.of(value, currency).toString();
  } catch (error) {
    if (isMoneyError(error)) return value;
    throw error;
  }
}

function toDifference(row: ComparedRow): BalanceDifference {
  const money = (value: string | null) => amount(value ?? '0', row.currency);
  const recomputed: BalanceFigures = {
    postedDebits: money(row.pd),
    postedCredits: money(row.pc),
    pendingDebits: money(row.ped),
    pendingCredits: money(row.pec),
    lineCount: Number(row.lc),
  };
  const stored: BalanceFigures | null = row.stored_exists
    ? {
        postedDebits: money(row.stored_pd),
        postedCredits: money(row.stored_pc),
        pendingDebits: money(row.stored_ped),
        pendingCredits: money(row.stored_pec),
        lineCount: Number(row.stored_lc ?? '0'),
      }
    : null;
  return {
    account: row.account_id,
    currency: row.currency,
    stored,
    recomputed,
    difference: {
      postedDebits: money(row.diff_pd),
      postedCredits: money(row.diff_pc),
      pendingDebits: money(row.diff_ped),
      pendingCredits: money(row.diff_pec),
      lineCount: Number(row.diff_lc),
    },
    fields: figureFields
      .filter(({ diff }) => stored === null || !isZero(row[diff]))
      .map(({ field }) => field),
  };
}

/**
 * Rebuilds the balances projection from the journal. The journal is the record; a balances row is
 * a cache of it, so a row that disagrees is the row's fault and is overwritten (never the reverse).
 */
@Injectable()
export class RebuildBalancesService {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Compares every balances row with the journal. Without `apply` it only reads. With `apply`,
   * the differing rows are locked in the posting engine's order (sub-accounts, then house
   * accounts; by id and currency in code-point order, see lockOrder in posting-engine.ts),
   * compared again under the lock (a posting cannot change them any more) and overwritten with
   * the recomputed figures in the same transaction.
   */
  async rebuild(apply: boolean): Promise<RebuildReport> {
    const scan = await this.compare(this.dataSource.manager, null);
    if (!apply || scan.differing.length === 0) {
      return this.report(scan.checked, scan.differing, false);
    }
    const accounts = [...new Set(scan.differing.map((row) => row.account_id))];
    const fixed = await this.dataSource.transaction(async (manager) => {
      await manager.query(
        `SELECT 1 FROM balances b JOIN accounts a ON a.id = b.account_id
          WHERE b.account_id = ANY($1)
          ORDER BY a.parent_id IS NULL, b.account_id COLLATE "C", b.currency COLLATE "C"
            FOR UPDATE OF b`,
        [accounts],
      );
      const locked = await this.compare(manager, accounts);
      await this.overwrite(manager, locked.differing);
      const after = await this.compare(manager, accounts);
      if (after.differing.length > 0) {
        throw new Error(
          `balances still differ from the journal after the rebuild: ${after.differing
            .slice(0, 5)
            .map((row) => `${row.account_id} ${row.currency}`)
            .join(', ')}`,
        );
      }
      return locked.differing;
    });
    return this.report(scan.checked, fixed, true);
  }

  private async compare(manager: EntityManager, accounts: string[] | null): Promise<Comparison> {
    const [row] = await manager.query<Comparison[]>(CompareSql, [accounts]);
    if (!row) throw new Error('the balance comparison returned no row');
    return row;
  }

  /** Updates existing rows and inserts missing ones, each in one set-based statement. */
  private async overwrite(manager: EntityManager, rows: ComparedRow[]): Promise<void> {
    if (rows.length === 0) return;
    await manager.query(
      `INSERT INTO balances AS b (account_id, currency, posted_debits, posted_credits, pending_debits,
                                  pending_credits, line_count, updated_at)
       SELECT v.*, clock_timestamp()
         FROM unnest($1::text[], $2::char(3)[], $3::numeric[], $4::numeric[], $5::numeric[], $6::numeric[],
                     $7::bigint[]) AS v
       ON CONFLICT (account_id, currency) DO UPDATE
          SET posted_debits = excluded.posted_debits, posted_credits = excluded.posted_credits,
              pending_debits = excluded.pending_debits, pending_credits = excluded.pending_credits,
              line_count = excluded.line_count, updated_at = excluded.updated_at`,
      [
        rows.map((r) => r.account_id),
        rows.map((r) => r.currency),
        rows.map((r) => r.pd),
        rows.map((r) => r.pc),
        rows.map((r) => r.ped),
        rows.map((r) => r.pec),
        rows.map((r) => r.lc),
      ],
    );
  }

  private report(checked: number, differing: ComparedRow[], applied: boolean): RebuildReport {
    return {
      accountsChecked: checked,
      differenceCount: differing.length,
      differences: differing.slice(0, RebuildDifferencesListedMax).map(toDifference),
      differencesTruncated: differing.length > RebuildDifferencesListedMax,
      applied: applied && differing.length > 0,
      remaining: applied ? 0 : differing.length,
    };
  }
}
