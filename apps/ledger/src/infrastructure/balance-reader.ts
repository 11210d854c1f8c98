import type { EntityManager } from 'typeorm';

/** A signed posted balance (debit positive) of one account and currency. */
export interface SignedBalanceRow {
  account_id: string;
  currency: string;
  balance: string;
}

export interface BalanceRow {
  posted_debits: string;
  posted_credits: string;
  pending_debits: string;
  pending_credits: string;
}

export interface StatementRow {
  entry_id: string;
  entry_seq: string;
  line_no: number;
  side: 'debit' | 'credit';
  amount: string;
  balance_after: string;
  posted_at: Date;
  effective_at: Date;
  description: string;
}

/** Reads of balances and account lines (current from balance rows, as of a time from lines). */
export const BalanceReader = {
  /** Debit and credit totals per currency over accounts that have had a posting. */
  currencyTotals(
    manager: EntityManager,
  ): Promise<{ currency: string; debits: string; credits: string }[]> {
    return manager.query(
      `SELECT currency, sum(greatest(posted_debits - posted_credits, 0))::text AS debits,
              sum(greatest(posted_credits - posted_debits, 0))::text AS credits
         FROM balances WHERE line_count > 0 GROUP BY currency ORDER BY currency`,
    );
  },

  /** Every account that has had a posting, with its balance now. */
  balancesNow(manager: EntityManager): Promise<SignedBalanceRow[]> {
    return manager.query(
      `SELECT account_id, currency, (posted_debits - posted_credits)::text AS balance
         FROM balances WHERE line_count > 0 ORDER BY account_id, currency`,
    );
  },

  /** Every account with a line at or before `asOf`, with its running balance on the last one. */
  balancesAsOf(manager: EntityManager, asOf: Date): Promise<SignedBalanceRow[]> {
    return manager.query(
      `SELECT DISTINCT ON (account_id, currency) account_id, currency, balance_after::text AS balance
         FROM journal_lines
        WHERE posted_at <= $1
        ORDER BY account_id, currency, posted_at DESC, entry_seq DESC, line_no DESC`,
      [asOf.toISOString()],
    );
  },

  /** One account's running balance on its last line at or before `asOf` (undefined: none). */
  async accountAsOf(
    manager: EntityManager,
    account: string,
    currency: string,
    asOf: Date,
  ): Promise<string | undefined> {
    const [row] = await manager.query<{ balance_after: string }[]>(
      `SELECT balance_after FROM journal_lines
        WHERE account_id = $1 AND currency = $2 AND posted_at <= $3
        ORDER BY posted_at DESC, entry_seq DESC, line_no DESC LIMIT 1`,
      [account, currency, asOf.toISOString()],
    );
    return row?.balance_after;
  },

  /** One account's balance row now (undefined: none yet). */
  async accountNow(
    manager: EntityManager,
    account: string,
    currency: string,
  ): Promise<BalanceRow | undefined> {
    const [row] = await manager.query<BalanceRow[]>(
      `SELECT posted_debits, posted_credits, pending_debits, pending_credits FROM balances WHERE account_id = $1 AND currency = $2`,
      [account, currency],
    );
    return row;
  },

  /** An account's lines in posting order within [from, to), after a (seq, lineNo) cursor. */
  statementPage(
    manager: EntityManager,
    query: {
      readonly account: string;
      readonly currency: string;
      readonly from: Date | undefined;
      readonly to: Date | undefined;
      readonly after: { readonly seq: string; readonly lineNo: number } | null;
      readonly limit: number;
    },
  ): Promise<StatementRow[]> {
    return manager.query<StatementRow[]>(
      `SELECT l.entry_id, l.entry_seq, l.line_no, l.side, l.amount::text AS amount, l.balance_after::text AS balance_after,
              l.posted_at, e.effective_at, e.description
         FROM journal_lines l JOIN journal_entries e ON e.id = l.entry_id
        WHERE l.account_id = $1 AND l.currency = $2
          AND ($3::timestamptz IS NULL OR l.posted_at >= $3)
          AND ($4::timestamptz IS NULL OR l.posted_at < $4)
          AND ($5::bigint IS NULL OR (l.entry_seq, l.line_no) > ($5, $6))
        ORDER BY l.entry_seq, l.line_no
        LIMIT $7`,
      [
        query.account,
        query.currency,
        query.from?.toISOString() ?? null,
        query.to?.toISOString() ?? null,
        query.after?.seq ?? null,
        query.after?.lineNo ?? 0,
        query.limit,
      ],
    );
  },
};
