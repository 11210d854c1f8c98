import { dailyInterest } from '@credit/lending-math';
import { Money, MoneyDecimal, RoundingMode } from '@credit/money';
import {
  type CreditRequest,
  type CustomerHistory,
  type Requested,
  requestedAmount,
} from './credit-request';
import { availableOnLine, drawFits } from './line-exposure';
import {
  CreditLineTermMonths,
  DearestCashAnnualRate,
  DearestCashDailyRate,
  InstallmentFeeRates,
} from './score-bands';

/** Policy limits beside the model (from configuration). */
export interface PolicyLimits {
  /** New monthly installment + existing monthly debt ≤ this share of monthly income, e.g. "0.5". */
  readonly affordabilityMaxShare: string;
  /** Σ approved line limits of a customer ≤ this multiple of monthly income. */
  readonly exposureIncomeMultiple: number;
  /** Applications per customer per day; the next one is declined. */
  readonly velocityMaxPerDay: number;
  readonly ageMin: number;
  readonly ageMax: number;
}

/** Policy rules, in the order their reasons are reported. */
export const RuleCodes = [
  'AGE',
  'UNSUPPORTED_TERMS',
  'CURRENCY',
  'UNKNOWN_LINE',
  'VELOCITY',
  'EXPOSURE_CAP',
  'AFFORDABILITY',
] as const;
export type RuleCode = (typeof RuleCodes)[number];

export const RuleReasonText: Readonly<Record<RuleCode, string>> = {
  AGE: 'Applicant age outside the range we lend to',
  UNSUPPORTED_TERMS: 'The requested product terms are not offered',
  CURRENCY: 'Income, debts and the request are in different currencies',
  UNKNOWN_LINE: 'No approved credit line of the customer to draw on',
  VELOCITY: 'Too many applications today',
  EXPOSURE_CAP: 'The request exceeds the credit we can extend',
  AFFORDABILITY: 'Installments would take too large a share of income',
};

/** A rule that failed, with the figures that made it fail (kept with the decision). */
export interface RuleHit {
  readonly code: RuleCode;
  readonly detail: string;
}

/** Days of interest in the first month of a cash loan at most (the estimate's longest month). */
export const LongestMonthDays = 31;

/**
 * The most day-count days a monthly period of an amortizing cash loan can count: 33 under 30/360
 * (28 February to 31 March, a loan anchored on the 31st), more than any month's 31 actual days.
 * The estimate takes it over the smallest year basis (360).
 */
export const LongestPeriodDayCount = 33;

/**
 * The largest monthly installment the request would bring, before the score (and so the price
 * tier) is known: a flat-fee plan's last installment (principal and fee split with the remainder
 * last); a cash loan's first installment (principal ÷ periods rounded up, plus a 31-day month of
 * interest at the dearest tier's rate). A credit line is stressed as fully drawn as a 12-month cash
 * loan. Null when the terms have no price (no fee rate for those periods).
 */
export function estimatedMonthlyInstallment(requested: Requested): Money | null {
  if (requested.kind === 'draw' && requested.product === 'installment-purchase') {
    const feeRate = InstallmentFeeRates[requested.periods];
    if (feeRate === undefined) return null;
    const principal = requested.amount;
    const buyerFee =
      requested.feePayer === 'merchant'
        ? Money.zero(principal.currency)
        : principal.multiply(feeRate, RoundingMode.HALF_EVEN);
    const principalLast = principal.splitRemainderLast(requested.periods).at(-1);
    const feeLast = buyerFee.splitRemainderLast(requested.periods).at(-1);
    if (!principalLast || !feeLast) return null;
    return principalLast.add(feeLast);
  }
  const principal = requestedAmount(requested);
  const periods = requested.kind === 'credit-line' ? CreditLineTermMonths : requested.periods;
  const method = requested.kind === 'draw' ? requested.repaymentMethod : null;
  if (method === 'equal-installment' || method === 'equal-principal') {
    // Equal principal pays the most in its first month: P/n plus a period's interest on all of
    // P; an equal installment's level payment is below that (its interest share is at most P×r).
    // Interest at the dearest tier's annual rate over the longest period, rounded UP.
    return principal
      .divide(String(periods), RoundingMode.UP)
      .add(
        principal.multiplyByRatio(
          new MoneyDecimal(DearestCashAnnualRate).times(LongestPeriodDayCount),
          '360',
          RoundingMode.UP,
        ),
      );
  }
  return principal
    .divide(String(periods), RoundingMode.UP)
    .add(dailyInterest(principal, DearestCashDailyRate, LongestMonthDays, RoundingMode.UP));
}

/**
 * Every policy rule the request fails. Rules do not look at the score: a rule decline stands
 * whatever the score. `history` null (a what-if) skips the rules that need stored decisions.
 */
export function evaluateRules(
  request: CreditRequest,
  history: CustomerHistory | null,
  limits: PolicyLimits,
): RuleHit[] {
  const hits: RuleHit[] = [];
  const { applicant, requested } = request;
  const income = applicant.monthlyIncome;
  const debt = applicant.monthlyDebtPayments;
  const amount = requestedAmount(requested);

  if (applicant.age < limits.ageMin || applicant.age > limits.ageMax) {
    hits.push({
      code: 'AGE',
      detail: `age ${applicant.age} is outside ${limits.ageMin}-${limits.ageMax}`,
    });
  }

  if (requested.kind === 'draw') {
    const plan = requested.product === 'installment-purchase';
    if (plan && InstallmentFeeRates[requested.periods] === undefined) {
      hits.push({
        code: 'UNSUPPORTED_TERMS',
        detail: `an installment purchase is offered over ${Object.keys(InstallmentFeeRates).join(', ')} periods, not ${requested.periods}`,
      });
    } else if (history && plan && requested.merchantId === null) {
      // A real purchase pays a merchant; a what-if (no history) may leave the merchant out.
      hits.push({
        code: 'UNSUPPORTED_TERMS',
        detail: 'an installment purchase names its merchant',
      });
    } else if (!plan && requested.merchantId !== null) {
      hits.push({ code: 'UNSUPPORTED_TERMS', detail: 'a cash loan has no merchant' });
    }
  }

  const line = requested.kind === 'draw' && history ? history.line : undefined;
  const currencies = new Set([income.currency, debt.currency, amount.currency]);
  if (line) currencies.add(line.limit.currency);
  if (currencies.size > 1) {
    hits.push({
      code: 'CURRENCY',
      detail: `amounts in ${[...currencies].join(', ')} cannot be compared`,
    });
    return hits; // the money rules below compare these amounts
  }

  if (requested.kind === 'draw' && history && line === null) {
    hits.push({
      code: 'UNKNOWN_LINE',
      detail: `line ${requested.lineId ?? '(none)'} is not an approved line of the customer`,
    });
  }

  if (history && history.applicationsToday >= limits.velocityMaxPerDay) {
    hits.push({
      code: 'VELOCITY',
      detail: `${history.applicationsToday} applications already today; at most ${limits.velocityMaxPerDay} a day`,
    });
  }

  if (requested.kind === 'credit-line') {
    const existing = history?.approvedLineLimits ?? Money.zero(amount.currency);
    const cap = income.multiply(String(limits.exposureIncomeMultiple), RoundingMode.DOWN);
    const total = existing.add(amount);
    if (total.greaterThan(cap)) {
      hits.push({
        code: 'EXPOSURE_CAP',
        detail: `approved limits ${existing.toString()} + requested ${amount.toString()} exceed ${limits.exposureIncomeMultiple} × income = ${cap.toString()}`,
      });
    }
  } else if (line && !drawFits(line, amount)) {
    hits.push({
      code: 'EXPOSURE_CAP',
      detail: `draw ${amount.toString()} exceeds the line's available limit ${availableOnLine(line).toString()} (limit ${line.limit.toString()} − principal outstanding ${line.principalOutstanding.toString()} − draws in flight ${line.drawsInFlight.toString()})`,
    });
  }

  const installment = estimatedMonthlyInstallment(requested);
  if (installment) {
    const share = new MoneyDecimal(limits.affordabilityMaxShare);
    const allowed = income.multiply(share, RoundingMode.DOWN);
    const payments = installment.add(debt);
    if (payments.greaterThan(allowed)) {
      hits.push({
        code: 'AFFORDABILITY',
        detail: `new installment ${installment.toString()} + existing debt ${debt.toString()} exceed ${limits.affordabilityMaxShare} × income = ${allowed.toString()}`,
      });
    }
  }

  return hits.sort((a, b) => RuleCodes.indexOf(a.code) - RuleCodes.indexOf(b.code));
}
