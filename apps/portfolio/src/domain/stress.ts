import { type Decimal, Money, MoneyDecimal, RoundingMode } from '@credit/money';
import { rate } from './ratio';

/** A stress scenario, as data (versioned: a changed scenario is a new version). */
export interface Scenario {
  readonly name: string;
  readonly version: number;
  /** PDs are multiplied by this ("1" baseline). */
  readonly pdMultiplier: string;
  /** Added to LGD ("0" baseline). */
  readonly lgdAddOn: string;
  /** Share of the expected recoveries lost ("0" baseline). */
  readonly recoveryHaircut: string;
  /** Stage 1 → 2 migration is multiplied by this ("1" baseline). */
  readonly rollRateShock: string;
}

export const Scenarios: readonly Scenario[] = [
  {
    name: 'baseline',
    version: 1,
    pdMultiplier: '1',
    lgdAddOn: '0',
    recoveryHaircut: '0',
    rollRateShock: '1',
  },
  {
    name: 'adverse',
    version: 1,
    pdMultiplier: '1.5',
    lgdAddOn: '0.05',
    recoveryHaircut: '0.2',
    rollRateShock: '1.5',
  },
  {
    name: 'severe',
    version: 1,
    pdMultiplier: '2.5',
    lgdAddOn: '0.1',
    recoveryHaircut: '0.5',
    rollRateShock: '2.5',
  },
];

/** Where the projection starts: the book at a month end and its behaviour in the base case. */
export interface StressStart {
  readonly currency: string;
  /** Performing (stage 1) and past-due (stage 2) balances; stage 3 is provisioned in full and left out. */
  readonly stage1: Money;
  readonly stage2: Money;
  readonly capital: Money;
  /** 12-month PDs of stage 1 and 2 (the provisioning model's, exposure-weighted). */
  readonly pd12m: { readonly 1: string; readonly 2: string };
  readonly lgd: string;
  /** Share of stage 1 balance rolling into stage 2 each month in the base case. */
  readonly monthlyRollRate: string;
  /** Share of performing balance repaid each month (the book runs off: no new lending). */
  readonly monthlyRepaymentRate: string;
  /** Interest and fees earned a year on the performing balance. */
  readonly annualYield: string;
}

export interface CapitalLimits {
  /** Capital over on-book loans must stay at least this. */
  readonly capitalRatioMin: string;
  /** On-book loans must stay at most this multiple of net assets (capital). */
  readonly leverageMax: string;
}

export interface StressMonth {
  readonly month: number;
  readonly performing: string;
  readonly defaults: string;
  readonly losses: string;
  readonly interestIncome: string;
  readonly allowance: string;
  readonly capital: string;
  readonly capitalRatio: string;
  readonly leverage: string;
  readonly breaches: readonly ('capital-ratio' | 'leverage')[];
}

export interface StressResult {
  readonly scenario: Scenario;
  readonly months: readonly StressMonth[];
  /** The first month (1–12) each limit is breached; null: held all year. */
  readonly firstBreach: { readonly capitalRatio: number | null; readonly leverage: number | null };
}

const one = () => new MoneyDecimal(1);
const capAtOne = (value: Decimal) => MoneyDecimal.min(one(), value);
/** A monthly probability from a yearly one at a constant hazard: 1 − (1 − p)^(1/12). */
const monthly = (yearly: Decimal) => one().minus(one().minus(yearly).pow(one().dividedBy(12)));

/**
 * Twelve months of the book under a scenario: each month stage 1 rolls into stage 2 (shocked),
 * both default at their stressed monthly PDs (defaults are charged off at the stressed LGD), the
 * rest earns its yield and repays; the allowance is the 12-month stressed loss of what performs
 * (from the base-case allowance the books carry at the start, so the shock lands in month 1).
 * Capital moves by income less losses less the change in the allowance. Money is rounded to the
 * minor unit, half-even, at each step.
 */
export function projectStress(
  start: StressStart,
  scenario: Scenario,
  limits: CapitalLimits,
): StressResult {
  const pd1 = capAtOne(new MoneyDecimal(start.pd12m[1]).times(scenario.pdMultiplier));
  const pd2 = capAtOne(new MoneyDecimal(start.pd12m[2]).times(scenario.pdMultiplier));
  const recovered = one()
    .minus(capAtOne(new MoneyDecimal(start.lgd).plus(scenario.lgdAddOn)))
    .times(one().minus(scenario.recoveryHaircut));
  const lgd = capAtOne(one().minus(recovered));
  const roll = capAtOne(new MoneyDecimal(start.monthlyRollRate).times(scenario.rollRateShock));
  const repay = new MoneyDecimal(start.monthlyRepaymentRate);
  const yieldMonthly = new MoneyDecimal(start.annualYield).dividedBy(12);
  const allowanceOf = (s1: Money, s2: Money, p1: Decimal, p2: Decimal, l: Decimal) =>
    s1
      .multiply(p1.times(l), RoundingMode.HALF_EVEN)
      .add(s2.multiply(p2.times(l), RoundingMode.HALF_EVEN));

  let s1 = start.stage1;
  let s2 = start.stage2;
  let capital = start.capital;
  // The books carry the base-case allowance: the scenario's shock to it hits the first month.
  let allowance = allowanceOf(
    s1,
    s2,
    new MoneyDecimal(start.pd12m[1]),
    new MoneyDecimal(start.pd12m[2]),
    new MoneyDecimal(start.lgd),
  );
  const months: StressMonth[] = [];
  const firstBreach: { capitalRatio: number | null; leverage: number | null } = {
    capitalRatio: null,
    leverage: null,
  };
  for (let month = 1; month <= 12; month++) {
    const rolled = s1.multiply(roll, RoundingMode.HALF_EVEN);
    const default1 = s1.multiply(monthly(pd1), RoundingMode.HALF_EVEN);
    const default2 = s2.multiply(monthly(pd2), RoundingMode.HALF_EVEN);
    const defaults = default1.add(default2);
    const losses = defaults.multiply(lgd, RoundingMode.HALF_EVEN);
    s1 = s1.subtract(rolled).subtract(default1);
    s2 = s2.add(rolled).subtract(default2);
    const income = s1.add(s2).multiply(yieldMonthly, RoundingMode.HALF_EVEN);
    s1 = s1.subtract(s1.multiply(repay, RoundingMode.HALF_EVEN));
    s2 = s2.subtract(s2.multiply(repay, RoundingMode.HALF_EVEN));
    const nextAllowance = allowanceOf(s1, s2, pd1, pd2, lgd);
    capital = capital.add(income).subtract(losses).subtract(nextAllowance.subtract(allowance));
    allowance = nextAllowance;
    const performing = s1.add(s2);
    const capitalRatio = rate(capital.amount, performing.amount);
    const leverage = capital.isPositive() ? rate(performing.amount, capital.amount) : null;
    const breaches: ('capital-ratio' | 'leverage')[] = [];
    if (!performing.isZero() && new MoneyDecimal(capitalRatio).lessThan(limits.capitalRatioMin))
      breaches.push('capital-ratio');
    if (leverage === null || new MoneyDecimal(leverage).greaterThan(limits.leverageMax))
      breaches.push('leverage');
    if (breaches.includes('capital-ratio')) firstBreach.capitalRatio ??= month;
    if (breaches.includes('leverage')) firstBreach.leverage ??= month;
    months.push({
      month,
      performing: performing.toString(),
      defaults: defaults.toString(),
      losses: losses.toString(),
      interestIncome: income.toString(),
      allowance: allowance.toString(),
      capital: capital.toString(),
      capitalRatio,
      leverage: leverage ?? 'unbounded',
      breaches,
    });
  }
  return { scenario, months, firstBreach };
}
