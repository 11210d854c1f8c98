import type { EntityManager } from 'typeorm';

export interface ComparedRow {
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

export interface Comparison {
  checked: number;
  differing: ComparedRow[];
}

/** The SQL of the balances rebuild: compare rows with the journal, lock, overwrite. */
export const BalanceRebuildStore = {
  /** Compares balances rows with the journal (all accounts, or only `accounts`). */
  async compare(manager: EntityManager, accounts: string[] | null): Promise<Comparison> {
    const [row] = await manager.query<Comparison[]>(CompareSql, [accounts]);
    if (!row) throw new Error('the balance comparison returned no row');
    return row;
  },

  /**
   * Locks the accounts' balance rows in the posting engine's order (sub-accounts, then house
   * accounts; by id and currency in code-point order: lockOrder in domain/posting-plan).
   */
  async lockInPostingOrder(manager: EntityManager, accounts: readonly string[]): Promise<void> {
    await manager.query(
      `SELECT 1 FROM balances b JOIN accounts a ON a.id = b.account_id
        WHERE b.account_id = ANY($1)
        ORDER BY a.parent_id IS NULL, b.account_id COLLATE "C", b.currency COLLATE "C"
          FOR UPDATE OF b`,
      [accounts],
    );
  },

  /** Updates existing rows and inserts missing ones, each in one set-based statement. */
  async overwrite(manager: EntityManager, rows: readonly ComparedRow[]): Promise<void> {
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
  },
};
