import type { CashLoanRepaymentMethod, DayCountConvention } from '@credit/contracts';
import { MoneyDecimal } from '@credit/money';

/**
 * What a score earns: the decision band, the price tier and the limit rules, as data. Scores are the
 * scorecard's points (higher is safer). The refer band straddles the artifact's fairness cutoff
 * (`fairness.cutoffScore`, 496 for scorecard-v1): an operator looks at applicants within
 * `ReferMarginPoints` of it; below the refer band the model declines.
 */

export type BandOutcome = 'approve' | 'refer' | 'decline';

export interface ScoreBand {
  /** Inclusive lower bound; the last band of the table has no lower bound (null). */
  readonly minScore: number | null;
  readonly outcome: BandOutcome;
  /** The price tier of an approving band, null otherwise. */
  readonly tier: string | null;
  /** A new line's limit is at most this multiple of the monthly income (approving bands). */
  readonly limitIncomeMultiple: string | null;
  /** …and at most this amount, in the request's currency (approving bands). */
  readonly limitCap: string | null;
  /** Daily rate of a daily-interest cash loan drawn at this tier (approving bands). */
  readonly cashDailyRate: string | null;
  /**
   * Nominal annual rate of an equal-installment or equal-principal cash loan drawn at this tier
   * (approving bands): close to the daily rate × 360, a little cheaper for the fixed plan.
   */
  readonly cashAnnualRate: string | null;
}

/** Points either side of the artifact's cutoff that are referred instead of decided. */
export const ReferMarginPoints = 10;

/** Highest score first; the first band whose minScore the score reaches applies. */
export const ScoreBands: readonly ScoreBand[] = [
  {
    minScore: 560,
    outcome: 'approve',
    tier: 'A',
    limitIncomeMultiple: '5',
    limitCap: '50000',
    cashDailyRate: '0.0003',
    cashAnnualRate: '0.108',
  },
  {
    minScore: 520,
    outcome: 'approve',
    tier: 'B',
    limitIncomeMultiple: '4',
    limitCap: '30000',
    cashDailyRate: '0.0004',
    cashAnnualRate: '0.144',
  },
  {
    minScore: 506,
    outcome: 'approve',
    tier: 'C',
    limitIncomeMultiple: '3',
    limitCap: '15000',
    cashDailyRate: '0.0005',
    cashAnnualRate: '0.18',
  },
  {
    minScore: 486,
    outcome: 'refer',
    tier: null,
    limitIncomeMultiple: null,
    limitCap: null,
    cashDailyRate: null,
    cashAnnualRate: null,
  },
  {
    minScore: null,
    outcome: 'decline',
    tier: null,
    limitIncomeMultiple: null,
    limitCap: null,
    cashDailyRate: null,
    cashAnnualRate: null,
  },
];

/** Total fee rate of a flat-fee installment purchase by number of periods (no other plans). */
export const InstallmentFeeRates: Readonly<Record<number, string>> = {
  3: '0.025',
  6: '0.045',
  12: '0.088',
};

/**
 * The cash-loan products, by repayment method: which rate of the band prices it and how it counts
 * days. Daily interest is quoted per day and counts actual days (ACT/365); the amortizing loans
 * are quoted per year and count 30/360, so each regular month costs annualRate ÷ 12 (the textbook
 * 等额本息 / 等额本金 figures).
 */
export const CashLoanProducts: Readonly<
  Record<
    CashLoanRepaymentMethod,
    { readonly rate: 'daily' | 'annual'; readonly dayCount: DayCountConvention }
  >
> = {
  'daily-interest': { rate: 'daily', dayCount: 'ACT/365' },
  'equal-installment': { rate: 'annual', dayCount: '30/360' },
  'equal-principal': { rate: 'annual', dayCount: '30/360' },
};

/** Pricing constants shared by every tier. A flat-fee plan has no interest; its convention is nominal. */
export const InstallmentPlanDayCount: DayCountConvention = 'ACT/365';
export const PenaltyDailyRate = '0.0005';
/** A credit line is scored (durationMonths) and stress-tested as if drawn over this many months. */
export const CreditLineTermMonths = 12;

/**
 * The dearest cash daily rate of any approving tier. Policy rules run before the score is known,
 * so a cash installment is estimated at this rate: the estimate never understates the payment.
 */
export const DearestCashDailyRate: string = ScoreBands.flatMap((b) =>
  b.cashDailyRate === null ? [] : [b.cashDailyRate],
).reduce((a, b) => (new MoneyDecimal(a).gte(b) ? a : b));

/** The dearest cash annual rate of any approving tier (the amortizing products' estimate). */
export const DearestCashAnnualRate: string = ScoreBands.flatMap((b) =>
  b.cashAnnualRate === null ? [] : [b.cashAnnualRate],
).reduce((a, b) => (new MoneyDecimal(a).gte(b) ? a : b));

export function bandFor(score: number): ScoreBand {
  const band = ScoreBands.find((b) => b.minScore === null || score >= b.minScore);
  if (!band) throw new Error('the score band table has no open-ended last band');
  return band;
}

/**
 * The table's consistency with a scorecard's cutoff: ordered, one open-ended last band, approving
 * bands priced, and the refer band spanning cutoff ± ReferMarginPoints. Checked at boot.
 */
export function scoreBandProblems(cutoffScore: number): string[] {
  const problems: string[] = [];
  const last = ScoreBands.at(-1);
  if (!last || last.minScore !== null || last.outcome !== 'decline') {
    problems.push('the last band must be an open-ended decline band');
  }
  for (let i = 1; i < ScoreBands.length - 1; i++) {
    const above = ScoreBands[i - 1]?.minScore;
    const here = ScoreBands[i]?.minScore;
    if (above === null || above === undefined || here === null || here === undefined) {
      problems.push(`band ${i} must have a lower bound`);
    } else if (here >= above) problems.push(`band ${i} is not below band ${i - 1}`);
  }
  for (const band of ScoreBands) {
    const priced =
      band.tier !== null &&
      band.limitIncomeMultiple !== null &&
      band.limitCap !== null &&
      band.cashDailyRate !== null &&
      band.cashAnnualRate !== null;
    if (band.outcome === 'approve' && !priced)
      problems.push(`approving band ${band.minScore} is not priced`);
  }
  const refer = ScoreBands.filter((b) => b.outcome === 'refer');
  const lowestApprove = ScoreBands.filter((b) => b.outcome === 'approve').at(-1)?.minScore;
  if (refer.length !== 1 || refer[0]?.minScore !== cutoffScore - ReferMarginPoints) {
    problems.push(`the refer band must start at cutoff ${cutoffScore} − ${ReferMarginPoints}`);
  }
  if (lowestApprove !== cutoffScore + ReferMarginPoints) {
    problems.push(
      `the lowest approving band must start at cutoff ${cutoffScore} + ${ReferMarginPoints}`,
    );
  }
  return problems;
}
