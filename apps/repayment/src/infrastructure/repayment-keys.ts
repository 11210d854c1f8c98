import { IdempotencyStore } from '@credit/platform';
import type { RepaymentRow } from '../loans/loans.service';

/** The repayments callers made, by their idempotency key (kept forever). */
export const repaymentKeys = new IdempotencyStore<RepaymentRow>({
  table: 'repayments',
  columns: `id, loan_id, request_hash, amount::text, currency,
    to_char(business_date, 'YYYY-MM-DD') AS business_date, allocation`,
});
