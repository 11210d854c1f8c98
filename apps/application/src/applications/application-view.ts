import { Money, type MoneyJSON } from '@credit/money';
import type { ApplicationRow, CreditLineRow } from '../infrastructure/application-store';

const money = (amount: string | null, currency: string): MoneyJSON | null =>
  amount === null ? null : Money.of(amount, currency).toJSON();

/**
 * An application as the API shows it: what was asked, the status and the decision. Never the
 * personal data: the customer is named by the customer id only.
 */
export function applicationView(row: ApplicationRow) {
  const decided = row.status !== 'submitted';
  const requestedLine =
    row.kind === 'credit-line'
      ? { requestedLimit: money(row.requested_limit, row.currency) }
      : null;
  const requestedDraw =
    row.kind === 'draw'
      ? {
          lineId: row.line_id,
          product: row.draw_product,
          amount: money(row.draw_amount, row.currency),
          periods: row.draw_periods,
          merchantId: row.merchant_id,
          feePayer: row.fee_payer,
          repaymentMethod: row.draw_repayment_method,
        }
      : null;
  const price =
    row.status !== 'approved'
      ? null
      : row.kind === 'credit-line'
        ? { priceTier: row.price_tier }
        : { pricing: row.pricing, merchantFee: money(row.merchant_fee, row.currency) };
  return {
    applicationId: row.id,
    kind: row.kind,
    customerId: row.customer_id,
    status: row.status,
    /** The decision taken (the status once decided); null while submitted. */
    decision: decided ? row.status : null,
    /** The line: the one granted (credit line) or drawn on (draw). */
    lineId: row.kind === 'credit-line' ? row.granted_line_id : row.line_id,
    /** The approved limit of a credit line. */
    limit: money(row.granted_limit, row.currency),
    price,
    reasonCodes: (row.reasons ?? []).map((r) => r.code),
    reasons: row.reasons ?? [],
    modelVersion: row.model_version,
    score: row.score,
    request: { creditLine: requestedLine, draw: requestedDraw },
    submittedAt: row.submitted_at,
    decidedAt: row.decided_at,
  };
}
export type ApplicationView = ReturnType<typeof applicationView>;

export function creditLineView(row: CreditLineRow) {
  return {
    lineId: row.id,
    customerId: row.customer_id,
    status: row.status,
    limit: Money.of(row.credit_limit, row.currency).toJSON(),
    priceTier: row.price_tier,
    applicationId: row.application_id,
    openedAt: row.opened_at,
  };
}
