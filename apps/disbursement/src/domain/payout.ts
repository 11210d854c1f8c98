import type { DrawPricing, LoanProduct } from '@credit/contracts';
import { backoffDelayMs } from '@credit/kernel';
import { installmentPlanSchedule } from '@credit/lending-math';
import { Money } from '@credit/money';

/**
 * Where a disbursement stands. `created` → `paying` (queued for the worker) → `disbursed` or
 * `failed`, through `unconfirmed` while the bank's answer is unknown; an installment purchase on no
 * line goes from `created` to `disbursed` at once (the goods are the disbursement).
 */
export type PayoutState = 'created' | 'paying' | 'unconfirmed' | 'disbursed' | 'failed';

/** The states a payout worker claims from: the payout is not settled yet. */
export const OpenPayoutStates = ['paying', 'unconfirmed'] as const satisfies readonly PayoutState[];

const Transitions: Readonly<Record<PayoutState, readonly PayoutState[]>> = {
  created: ['paying', 'disbursed'],
  paying: ['paying', 'unconfirmed', 'disbursed', 'failed'],
  unconfirmed: ['unconfirmed', 'disbursed', 'failed'],
  disbursed: [],
  failed: [],
};

/** Whether a payout may move from one state to the other (settled payouts never move). */
export function canMove(from: PayoutState, to: PayoutState): boolean {
  return Transitions[from].includes(to);
}

/** A disbursement as the rules see it. */
export interface Payout {
  readonly loanId: string;
  readonly applicationId: string;
  readonly customerId: string;
  readonly lineId: string | null;
  readonly product: LoanProduct;
  readonly principal: Money;
  /** The merchant of an installment purchase (null: a cash loan). */
  readonly merchantId: string | null;
  /** The fee the merchant pays on an installment purchase (null: none). */
  readonly merchantFee: Money | null;
  readonly pricing: DrawPricing;
  readonly state: PayoutState;
  readonly attempts: number;
  readonly lineHoldId: string | null;
  readonly payoutReference: string | null;
}

/** The approved draw a payout is made for, as the decision names it. */
export interface ApprovedDraw {
  readonly product: LoanProduct;
  readonly principal: Money;
  readonly pricing: DrawPricing;
  /** The merchant fee the decision fixed, if it did. */
  readonly merchantFee: Money | null;
}

/**
 * The merchant fee of a draw: the decision's when it names one, otherwise the installment plan's
 * merchant-paid fee on the principal (`startDate` dates the plan; the fee does not depend on it).
 * Cash loans and buyer-paid plans have none.
 */
export function merchantFeeOf(draw: ApprovedDraw, startDate: string): Money | null {
  if (draw.product !== 'installment-purchase' || draw.pricing.feePayer !== 'merchant') return null;
  if (draw.merchantFee) return draw.merchantFee;
  return installmentPlanSchedule({
    principal: draw.principal,
    periods: draw.pricing.periods,
    startDate,
    feeRate: draw.pricing.feeRate ?? '0',
    feePayer: 'merchant',
  }).merchantFee;
}

/**
 * What follows a new disbursement: an installment purchase that reserves no line limit is paid
 * out by booking the merchant payable at once; anything else is queued for the payout worker
 * (which first reserves the line's limit when there is one).
 */
export function firstStep(
  product: LoanProduct,
  reservesLimit: boolean,
): { readonly next: 'disbursed' | 'paying'; readonly detail: string } {
  if (product === 'installment-purchase' && !reservesLimit) {
    return { next: 'disbursed', detail: MerchantPayableBooked };
  }
  return {
    next: 'paying',
    detail: reservesLimit
      ? 'payout queued; the line limit is reserved first'
      : 'payout to the customer queued',
  };
}

export const MerchantPayableBooked = 'merchant payable booked; settled in the daily batch';

/** Longest backoff between two attempts of one payout: the base doubled at most 10 times. */
const BackoffDoublingsMax = 10;

/**
 * The wait before the next attempt of a payout after attempt `attempt` (1-based) did not settle:
 * the platform's backoff (doubling, capped, jittered down by up to a fifth).
 */
export function retryDelayMs(
  backoffMs: number,
  attempt: number,
  random: () => number = Math.random,
): number {
  return backoffDelayMs(
    { initialMs: backoffMs, maxMs: backoffMs * 2 ** BackoffDoublingsMax },
    attempt,
    random,
  );
}

/**
 * The note on an unconfirmed payout: past the attempts an operator should look at it with the bank
 * (it is never failed while the bank may have paid).
 */
export function unconfirmedNote(
  attempts: number,
  attemptsMax: number,
  reference: string,
  reason: string,
): string {
  return attempts >= attemptsMax
    ? `unconfirmed after ${attempts} attempts: ${reason}; check ${reference} with the bank`
    : `awaiting the bank's confirmation of ${reference}: ${reason}`;
}

/** A merchant's settlement of a business date, one per currency. */
export function settlementIdOf(merchantId: string, businessDate: string, currency: string): string {
  return `S-${merchantId}-${businessDate}-${currency}`;
}

/** What a merchant is paid for its installment purchases: principal less merchant-paid fees. */
export function settlementAmount(
  loans: readonly { readonly principal: Money; readonly merchantFee: Money | null }[],
  currency: string,
): Money {
  return loans.reduce(
    (sum, loan) =>
      sum.add(loan.principal).subtract(loan.merchantFee ?? Money.zero(loan.principal.currency)),
    Money.zero(currency),
  );
}
