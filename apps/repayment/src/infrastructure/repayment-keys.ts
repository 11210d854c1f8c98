import type { EntityManager } from 'typeorm';
import type { Money } from '@credit/money';
import { IdempotencyStore } from '@credit/platform';
import type { RepaymentRow } from '../loans/loans.service';

/** The repayments callers made, by their idempotency key (kept forever). */
export const repaymentKeys = new IdempotencyStore<RepaymentRow>({
  table: 'repayments',
  columns: `id, loan_id, request_hash, amount::text, currency,
    to_char(business_date, 'YYYY-MM-DD') AS business_date, allocation`,
});

/** Records a repayment under its caller's key. */
export async function insertRepayment(
  manager: EntityManager,
  repayment: {
    readonly id: string;
    readonly loanId: string;
    readonly key: string;
    readonly hash: string;
    readonly amount: Money;
    readonly date: string;
    readonly allocation: RepaymentRow['allocation'];
  },
): Promise<void> {
  const { id, loanId, key, hash, amount, date, allocation } = repayment;
  await manager.query(
    `INSERT INTO repayments (id, loan_id, idempotency_key, request_hash, amount, currency, business_date, allocation)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [id, loanId, key, hash, amount.toString(), amount.currency, date, JSON.stringify(allocation)],
  );
}
