import { type Decimal, type DecimalInput, MoneyDecimal, toMoneyDecimal } from '@credit/money';
import { LendingErrorCode, LendingMathError } from './errors';

/** Bound on safeguarded Newton/bisection steps of the IRR solver. */
export const MaxIrrIterations = 200;
/** Bound on doublings/halvings while bracketing the IRR. */
export const MaxIrrBracketSteps = 64;
/** Solver stops when the bracket (or the Newton step) is narrower than this periodic rate. */
export const IrrTolerance = '0.000000000000000001';
/** Decimal places of `apr` / `nominalApr` strings (0.1234 = 12.34%). */
export const AprDecimalPlaces = 4;
/** Decimal places of the reported periodic IRR (the solver is accurate to ~`IrrTolerance`). */
export const PeriodicRateDecimalPlaces = 15;
/** Periods per year of monthly schedules. */
export const MonthsPerYear = 12;

const ONE = new MoneyDecimal(1);
const TWO = new MoneyDecimal(2);
const TOLERANCE = new MoneyDecimal(IrrTolerance);

/** NPV of `flows` at periodic rate `rate` (flow k at period k) and its derivative. */
function npvAndDerivative(flows: readonly Decimal[], rate: Decimal): [Decimal, Decimal] {
  const v = ONE.div(ONE.plus(rate));
  let discount = ONE;
  let npv = new MoneyDecimal(0);
  let derivative = new MoneyDecimal(0);
  flows.forEach((flow, k) => {
    npv = npv.plus(flow.times(discount));
    // d/dr (flow · v^k) = −k · flow · v^(k+1)
    derivative = derivative.minus(flow.times(k).times(discount).times(v));
    discount = discount.times(v);
  });
  return [npv, derivative];
}

function signChanges(flows: readonly Decimal[]): number {
  let changes = 0;
  let previous = 0;
  for (const flow of flows) {
    const sign = flow.isZero() ? 0 : flow.isNegative() ? -1 : 1;
    if (sign !== 0) {
      if (previous !== 0 && sign !== previous) {
        changes += 1;
      }
      previous = sign;
    }
  }
  return changes;
}

/**
 * Periodic internal rate of return of `cashFlows` (flow k at the end of period k, flow 0 at
 * t0), as a `MoneyDecimal`. The flows must change sign exactly once (e.g. −disbursed, then
 * repayments ≥ 0), which guarantees a unique IRR > −1 (Descartes' rule in v = 1/(1+i)).
 *
 * Solver: bracket the root (doubling up from 1 or halving towards −1, at most
 * `MaxIrrBracketSteps`), then safeguarded Newton — a Newton step that leaves the bracket is
 * replaced by bisection — for at most `MaxIrrIterations` steps, until the bracket or the step
 * is below `IrrTolerance`. If the flows sum to exactly zero, the IRR is exactly 0.
 *
 * @throws LENDING.NO_UNIQUE_IRR, LENDING.NO_CONVERGENCE, LENDING.INVALID_ARGUMENT
 */
export function periodicIrr(cashFlows: readonly DecimalInput[]): Decimal {
  const raw = cashFlows.map((flow, i) => toMoneyDecimal(flow, `cashFlows[${i}]`));
  if (signChanges(raw) !== 1) {
    throw new LendingMathError(
      LendingErrorCode.NO_UNIQUE_IRR,
      'cash flows must change sign exactly once',
      { flows: String(raw.length) },
    );
  }
  // Normalise so that the first non-zero flow is negative: then NPV(i) > 0 below the root
  // and < 0 above it.
  const firstNonZero = raw.find((flow) => !flow.isZero());
  const flows = firstNonZero?.isNegative() ? raw : raw.map((flow) => flow.negated());
  const npv = (rate: Decimal) => npvAndDerivative(flows, rate)[0];

  const atZero = npv(new MoneyDecimal(0));
  if (atZero.isZero()) {
    return new MoneyDecimal(0);
  }
  let lo: Decimal;
  let hi: Decimal;
  if (atZero.isPositive()) {
    lo = new MoneyDecimal(0);
    hi = ONE;
    let steps = 0;
    while (!npv(hi).isNegative()) {
      if (++steps > MaxIrrBracketSteps) {
        throw new LendingMathError(LendingErrorCode.NO_CONVERGENCE, 'IRR is too large to bracket');
      }
      lo = hi;
      hi = hi.times(TWO);
    }
  } else {
    hi = new MoneyDecimal(0);
    let gap = ONE.div(TWO); // lo = −1 + gap
    lo = gap.minus(ONE);
    let steps = 0;
    while (!npv(lo).isPositive()) {
      if (++steps > MaxIrrBracketSteps) {
        throw new LendingMathError(LendingErrorCode.NO_CONVERGENCE, 'IRR is too close to −100%');
      }
      hi = lo;
      gap = gap.div(TWO);
      lo = gap.minus(ONE);
    }
  }

  let rate = lo.plus(hi).div(TWO);
  for (let iteration = 0; iteration < MaxIrrIterations; iteration++) {
    const [value, derivative] = npvAndDerivative(flows, rate);
    if (value.isZero()) {
      return rate;
    }
    if (value.isPositive()) {
      lo = rate;
    } else {
      hi = rate;
    }
    if (hi.minus(lo).lte(TOLERANCE)) {
      return lo.plus(hi).div(TWO);
    }
    let next = derivative.isZero() ? lo.plus(hi).div(TWO) : rate.minus(value.div(derivative));
    if (next.lte(lo) || next.gte(hi)) {
      next = lo.plus(hi).div(TWO);
    }
    if (next.minus(rate).abs().lte(TOLERANCE)) {
      return next;
    }
    rate = next;
  }
  throw new LendingMathError(LendingErrorCode.NO_CONVERGENCE, 'IRR did not converge', {
    maxIterations: String(MaxIrrIterations),
  });
}

/** Effective annual rate of a periodic rate: (1 + i)^periodsPerYear − 1. */
export function annualizeEffective(
  periodicRate: DecimalInput,
  periodsPerYear = MonthsPerYear,
): Decimal {
  return ONE.plus(toMoneyDecimal(periodicRate, 'periodicRate')).pow(periodsPerYear).minus(ONE);
}

/** Nominal annual rate of a periodic rate: i × periodsPerYear. */
export function annualizeNominal(
  periodicRate: DecimalInput,
  periodsPerYear = MonthsPerYear,
): Decimal {
  return toMoneyDecimal(periodicRate, 'periodicRate').times(periodsPerYear);
}

/**
 * A rate as a fixed-point decimal string with `places` decimals, HALF_EVEN ("0.1234").
 * Negative zero prints as zero.
 */
export function formatRate(rate: Decimal, places = AprDecimalPlaces): string {
  const rounded = rate.toDecimalPlaces(places, MoneyDecimal.ROUND_HALF_EVEN);
  if (rounded.isZero()) {
    return places === 0 ? '0' : `0.${'0'.repeat(places)}`;
  }
  const text = rounded.abs().toString();
  const [integer = '0', fraction = ''] = text.split('.');
  const body = places === 0 ? integer : `${integer}.${fraction.padEnd(places, '0')}`;
  return rounded.isNegative() ? `-${body}` : body;
}

export interface AprResult {
  /** Monthly (periodic) IRR rounded to `PeriodicRateDecimalPlaces` (HALF_EVEN), as a decimal string. */
  readonly periodicRate: string;
  /** Effective annual rate (1 + monthly IRR)^12 − 1, `AprDecimalPlaces` decimals: the `apr`. */
  readonly apr: string;
  /** Nominal annual rate monthly IRR × 12, `AprDecimalPlaces` decimals. */
  readonly nominalApr: string;
}

/**
 * APR of monthly cash flows: flows[0] at t0 (negative: the amount the borrower receives),
 * flows[k] the total paid at month k. `apr` is the EFFECTIVE annual rate
 * (1 + monthly IRR)^12 − 1; `nominalApr` is monthly IRR × 12.
 */
export function aprFromCashFlows(cashFlows: readonly DecimalInput[]): AprResult {
  const monthly = periodicIrr(cashFlows);
  return {
    periodicRate: monthly
      .toDecimalPlaces(PeriodicRateDecimalPlaces, MoneyDecimal.ROUND_HALF_EVEN)
      .toString(),
    apr: formatRate(annualizeEffective(monthly)),
    nominalApr: formatRate(annualizeNominal(monthly)),
  };
}
