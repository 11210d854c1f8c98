import { type Decimal, Money, MoneyDecimal, RoundingMode } from '@credit/money';

/** IFRS 9 stages: 1 performing (12-month loss), 2 past due (lifetime), 3 credit-impaired. */
export type Stage = 1 | 2 | 3;

export interface StagingThresholds {
  /** Days past due from which a loan is in stage 2 (default 1: any past due). */
  readonly stage2DaysPastDue: number;
  /** Days past due from which a loan is in stage 3 (default 91: the 90+ bucket). */
  readonly stage3DaysPastDue: number;
}

export const DefaultStaging: StagingThresholds = { stage2DaysPastDue: 1, stage3DaysPastDue: 91 };

export function stageOf(daysPastDue: number, thresholds: StagingThresholds): Stage {
  if (daysPastDue >= thresholds.stage3DaysPastDue) return 3;
  if (daysPastDue >= thresholds.stage2DaysPastDue) return 2;
  return 1;
}

/** Places a probability is carried to (half-even). */
export const ProbabilityPlaces = 10;

/** What the platform's history says of one stage and score band: loans watched 12 months, and how many defaulted. */
export interface DefaultObservation {
  readonly stage: 1 | 2;
  readonly scoreBand: string;
  readonly loans: number;
  readonly defaulted: number;
}

/**
 * The prior the estimate starts from: a 12-month PD per stage, worth `weight` loans of history.
 * With little history the estimate stays near the prior; with much it follows the data.
 */
export interface PdPrior {
  readonly pd12m: { readonly 1: string; readonly 2: string };
  readonly weight: number;
}

export const DefaultPdPrior: PdPrior = { pd12m: { 1: '0.03', 2: '0.30' }, weight: 50 };

/** 12-month PDs by stage and score band, as decimal strings; stage 3 is 1 by definition. */
export type PdTable = ReadonlyMap<string, string>;

export const pdKey = (stage: Stage, scoreBand: string) => `${stage}:${scoreBand}`;

/**
 * PD per stage and band from the history with the prior (a beta-binomial posterior mean):
 * (defaulted + weight × prior) / (loans + weight), to `ProbabilityPlaces`, half-even.
 */
export function estimatePd(
  observations: readonly DefaultObservation[],
  prior: PdPrior,
  scoreBands: readonly string[],
): PdTable {
  const table = new Map<string, string>();
  for (const stage of [1, 2] as const) {
    for (const band of scoreBands) {
      const seen = observations.filter((o) => o.stage === stage && o.scoreBand === band);
      const loans = seen.reduce((sum, o) => sum + o.loans, 0);
      const defaulted = seen.reduce((sum, o) => sum + o.defaulted, 0);
      const pd = new MoneyDecimal(prior.pd12m[stage])
        .times(prior.weight)
        .plus(defaulted)
        .dividedBy(loans + prior.weight);
      table.set(
        pdKey(stage, band),
        pd.toDecimalPlaces(ProbabilityPlaces, MoneyDecimal.ROUND_HALF_EVEN).toString(),
      );
    }
  }
  for (const band of scoreBands) table.set(pdKey(3, band), '1');
  return table;
}

/**
 * The probability of default over `months` from a 12-month PD, at a constant hazard:
 * 1 − (1 − pd12)^(months / 12). Stage 1 uses at most 12 months, stage 2 the remaining life.
 */
export function pdOver(pd12m: Decimal | string, months: number): Decimal {
  const survival = new MoneyDecimal(1).minus(pd12m);
  return new MoneyDecimal(1)
    .minus(survival.pow(new MoneyDecimal(months).dividedBy(12)))
    .toDecimalPlaces(ProbabilityPlaces, MoneyDecimal.ROUND_HALF_EVEN);
}

export interface ProvisionLoan {
  readonly loanId: string;
  readonly scoreBand: string;
  readonly daysPastDue: number;
  /** Exposure at default: everything still owed. */
  readonly exposure: Money;
  /** Months left to the last installment (at least 1 while anything is owed). */
  readonly remainingMonths: number;
}

export interface ProvisionParameters {
  readonly staging: StagingThresholds;
  readonly pd: PdTable;
  /** Loss given default, a share such as "0.75". */
  readonly lgd: string;
}

export interface LoanProvision {
  readonly loanId: string;
  readonly stage: Stage;
  /** The PD applied over the stage's horizon. */
  readonly pd: string;
  readonly ecl: Money;
}

/**
 * Expected credit loss of one loan: exposure × PD over its horizon × LGD, rounded half-even to
 * the currency's minor unit (the allowance is the sum of these, so it reconciles exactly).
 */
export function provisionFor(loan: ProvisionLoan, parameters: ProvisionParameters): LoanProvision {
  const stage = stageOf(loan.daysPastDue, parameters.staging);
  const pd12 = parameters.pd.get(pdKey(stage, loan.scoreBand));
  if (pd12 === undefined) throw new Error(`no PD for stage ${stage}, band ${loan.scoreBand}`);
  const months = Math.max(1, loan.remainingMonths);
  const pd =
    stage === 3 ? new MoneyDecimal(1) : pdOver(pd12, stage === 1 ? Math.min(12, months) : months);
  return {
    loanId: loan.loanId,
    stage,
    pd: pd.toString(),
    ecl: loan.exposure.multiply(pd.times(parameters.lgd), RoundingMode.HALF_EVEN),
  };
}

export interface MonthEndProvision {
  readonly loans: readonly LoanProvision[];
  /** The allowance the books should carry: Σ per-loan ECL. */
  readonly allowance: Money;
  /** By stage: loans, exposure and allowance. */
  readonly byStage: Readonly<Record<Stage, { loans: number; exposure: Money; allowance: Money }>>;
  /**
   * What to post: the target less what the books carry (the last allowance less write-offs
   * since). Positive: a charge (debit expense:credit-loss); negative: a release.
   */
  readonly charge: Money;
}

export function monthEndProvision(
  currency: string,
  loans: readonly ProvisionLoan[],
  parameters: ProvisionParameters,
  carried: Money,
): MonthEndProvision {
  const provisions = loans.map((loan) => provisionFor(loan, parameters));
  const allowance = Money.sum(
    currency,
    provisions.map((p) => p.ecl),
  );
  const byStage = Object.fromEntries(
    ([1, 2, 3] as const).map((stage) => {
      const inStage = provisions.filter((p) => p.stage === stage);
      const ids = new Set(inStage.map((p) => p.loanId));
      return [
        stage,
        {
          loans: inStage.length,
          exposure: Money.sum(
            currency,
            loans.filter((l) => ids.has(l.loanId)).map((l) => l.exposure),
          ),
          allowance: Money.sum(
            currency,
            inStage.map((p) => p.ecl),
          ),
        },
      ];
    }),
  ) as MonthEndProvision['byStage'];
  return { loans: provisions, allowance, byStage, charge: allowance.subtract(carried) };
}
