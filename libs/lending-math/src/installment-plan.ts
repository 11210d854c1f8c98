import {
  type DecimalInput,
  DEFAULT_INTEREST_ROUNDING,
  Money,
  type RoundingMode,
} from '@credit/money';
import { type IsoDate } from './dates';
import { invariant } from '@credit/kernel';
import { LendingErrorCode, LendingMathError } from './errors';
import {
  type FirstDueRule,
  type Installment,
  type Schedule,
  type ScheduleJSON,
  buildSchedule,
  dueDates,
  installment,
  scheduleToJSON,
} from './schedule';
import { assertPeriods, assertPositiveMoney, checkedRounding, toRate } from './validation';

/**
 * Default total fee rate of a flat-fee installment plan (分期) by number of periods: the fee
 * for the whole plan is principal × rate (not per period). Products pass their own table.
 */
export const DEFAULT_INSTALLMENT_FEE_RATES: Readonly<Record<number, string>> = Object.freeze({
  3: '0.025',
  6: '0.045',
  12: '0.088',
});

export type FeePayer = 'buyer' | 'merchant';

export interface InstallmentPlanInput {
  readonly principal: Money;
  readonly periods: number;
  /** Purchase date (the goods are the disbursement). */
  readonly startDate: IsoDate;
  readonly firstDue?: FirstDueRule;
  /** Explicit total fee rate; overrides the table. */
  readonly feeRate?: DecimalInput;
  /** Fee table by periods; default `DEFAULT_INSTALLMENT_FEE_RATES`. */
  readonly feeRates?: Readonly<Record<number, DecimalInput>>;
  /** Who pays the fee; default 'buyer'. */
  readonly feePayer?: FeePayer;
  /** Rounding of principal × feeRate; default HALF_EVEN. */
  readonly rounding?: RoundingMode;
}

export interface InstallmentPlanSchedule extends Schedule {
  readonly feePayer: FeePayer;
  /** The total fee rate applied, as a decimal string. */
  readonly feeRate: string;
  /** principal × feeRate, rounded once. */
  readonly fee: Money;
  /** The fee when the merchant pays it (withheld from the payout); zero when the buyer pays. */
  readonly merchantFee: Money;
  /** What the merchant receives: principal − merchantFee. */
  readonly merchantPayout: Money;
}

/** The total fee rate for `periods` from `feeRate` or the table. @throws LENDING.UNKNOWN_FEE_RATE */
export function installmentFeeRate(
  periods: number,
  feeRates: Readonly<Record<number, DecimalInput>> = DEFAULT_INSTALLMENT_FEE_RATES,
): DecimalInput {
  assertPeriods(periods);
  const rate = Object.hasOwn(feeRates, periods) ? feeRates[periods] : undefined;
  if (rate === undefined) {
    throw new LendingMathError(
      LendingErrorCode.UNKNOWN_FEE_RATE,
      `no installment fee rate for ${periods} periods`,
      { periods: String(periods) },
    );
  }
  return rate;
}

/**
 * Flat-fee installment plan (分期, Huabei-style). fee = principal × total fee rate, rounded
 * once (HALF_EVEN by default). Principal and fee are each split with `splitRemainderLast`:
 * every period gets amount ÷ n truncated to the cent, the LAST period also carries the
 * remainder cents (1,000.00 / 3 → 333.33, 333.33, 333.34; fee 25.00 → 8.33, 8.33, 8.34).
 * No interest. With `feePayer: 'merchant'` the installments carry no fee and the fee is
 * reported as `merchantFee` (withheld from `merchantPayout`); the buyer's APR is then 0.
 */
export function installmentPlanSchedule(input: InstallmentPlanInput): InstallmentPlanSchedule {
  assertPositiveMoney(input.principal, 'principal');
  assertPeriods(input.periods);
  const feePayer = input.feePayer ?? 'buyer';
  if (feePayer !== 'buyer' && feePayer !== 'merchant') {
    throw new LendingMathError(
      LendingErrorCode.INVALID_ARGUMENT,
      "feePayer must be 'buyer' or 'merchant'",
    );
  }
  const rounding = checkedRounding(input.rounding ?? DEFAULT_INTEREST_ROUNDING);
  const feeRate = toRate(
    input.feeRate ?? installmentFeeRate(input.periods, input.feeRates),
    'feeRate',
  );
  const { principal, periods } = input;
  const currency = principal.currency;
  const zero = Money.zero(currency);
  const fee = principal.multiply(feeRate, rounding);
  const principalParts = principal.splitRemainderLast(periods);
  const buyerFee = feePayer === 'buyer' ? fee : zero;
  const feeParts = buyerFee.splitRemainderLast(periods);
  const dates = dueDates(input.startDate, periods, input.firstDue);

  const rows: Installment[] = [];
  let balance = principal;
  dates.forEach((dueDate, index) => {
    const principalPart = principalParts[index];
    const feePart = feeParts[index];
    invariant(principalPart !== undefined && feePart !== undefined, 'one part per period');
    balance = balance.subtract(principalPart);
    rows.push(installment(index + 1, dueDate, principalPart, zero, feePart, balance));
  });
  const merchantFee = feePayer === 'merchant' ? fee : zero;
  return {
    ...buildSchedule(principal, input.startDate, principal, rows),
    feePayer,
    feeRate: feeRate.toString(),
    fee,
    merchantFee,
    merchantPayout: principal.subtract(merchantFee),
  };
}

export interface InstallmentPlanScheduleJSON extends ScheduleJSON {
  readonly feePayer: FeePayer;
  readonly feeRate: string;
  readonly fee: string;
  readonly merchantFee: string;
  readonly merchantPayout: string;
}

/** Wire form of an installment plan: `scheduleToJSON` plus the fee fields as decimal strings. */
export function installmentPlanToJSON(plan: InstallmentPlanSchedule): InstallmentPlanScheduleJSON {
  return {
    ...scheduleToJSON(plan),
    feePayer: plan.feePayer,
    feeRate: plan.feeRate,
    fee: plan.fee.toString(),
    merchantFee: plan.merchantFee.toString(),
    merchantPayout: plan.merchantPayout.toString(),
  };
}
