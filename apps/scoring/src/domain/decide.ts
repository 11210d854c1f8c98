import type { DrawPricing } from '@credit/contracts';
import { Money, RoundingMode } from '@credit/money';
import {
  type AttributePoints,
  ReasonCodeText,
  ReasonCodesMax,
  type Scorecard,
  scoreApplicant,
} from '@credit/scorecard';
import {
  type CreditRequest,
  type CustomerHistory,
  type Requested,
  applicantOf,
} from './credit-request';
import { type PolicyLimits, type RuleHit, RuleReasonText, evaluateRules } from './rules';
import {
  type BandOutcome,
  type ScoreBand,
  CashLoanProducts,
  InstallmentFeeRates,
  InstallmentPlanDayCount,
  PenaltyDailyRate,
  bandFor,
} from './score-bands';

export type DecisionOutcome = 'approved' | 'declined' | 'referred';

export interface Reason {
  readonly code: string;
  readonly text: string;
}

/** Everything a decision was made from and what it grants: stored, published, explained. */
export interface Decision {
  readonly decision: DecisionOutcome;
  readonly modelVersion: string;
  readonly score: number;
  readonly pd: string;
  readonly pointsByAttribute: readonly AttributePoints[];
  /** What the score alone would have decided. */
  readonly band: BandOutcome;
  /** The price tier of the score band (null below the approving bands). */
  readonly priceTier: string | null;
  /** At most four: failed rules first, then the attributes that cost the most points. */
  readonly reasons: readonly Reason[];
  readonly rulesFired: readonly RuleHit[];
  /** An approved credit line: the limit granted. */
  readonly creditLine: { readonly limit: Money; readonly priceTier: string } | null;
  /** An approved draw: the price it is granted at and the fee withheld from the merchant. */
  readonly draw: { readonly pricing: DrawPricing; readonly merchantFee: Money | null } | null;
}

/**
 * The decision on one application: the scorecard's score and reasons, the policy rules, then the
 * band table. A failed rule declines whatever the score; otherwise the band approves (with the
 * tier's limit and price), refers, or declines.
 */
export function decide(
  card: Scorecard,
  request: CreditRequest,
  history: CustomerHistory | null,
  limits: PolicyLimits,
): Decision {
  const scored = scoreApplicant(card, applicantOf(request));
  const rulesFired = evaluateRules(request, history, limits);
  const band = bandFor(scored.score);
  const ruleReasons = [...new Set(rulesFired.map((hit) => hit.code))].map((code): Reason => ({
    code,
    text: RuleReasonText[code],
  }));
  const scoreReasons = scored.reasons.map((code): Reason => ({
    code,
    text: ReasonCodeText[code] ?? code,
  }));
  const reasons = [...ruleReasons, ...scoreReasons].slice(0, ReasonCodesMax);
  const base = {
    modelVersion: card.modelVersion,
    score: scored.score,
    pd: scored.pd,
    pointsByAttribute: scored.pointsByAttribute,
    band: band.outcome,
    priceTier: band.tier,
    reasons,
    rulesFired,
  };
  if (rulesFired.length > 0 || band.outcome !== 'approve') {
    const decision: DecisionOutcome =
      rulesFired.length === 0 && band.outcome === 'refer' ? 'referred' : 'declined';
    return { ...base, decision, creditLine: null, draw: null };
  }
  return { ...base, decision: 'approved', ...grant(request, band) };
}

/**
 * What an approving band grants on a request: a credit line at the lowest of the requested limit,
 * the band's income multiple and its cap; a draw at the band's price. The referral queue grants
 * with it too (the operator's tier, the operator's limit up to this one).
 */
export function grant(
  request: CreditRequest,
  band: ScoreBand,
): Pick<Decision, 'creditLine' | 'draw'> {
  const { tier, limitIncomeMultiple, limitCap, cashDailyRate, cashAnnualRate } = band;
  if (
    tier === null ||
    limitIncomeMultiple === null ||
    limitCap === null ||
    cashDailyRate === null ||
    cashAnnualRate === null
  ) {
    throw new Error(`approving band ${band.minScore} is not priced`);
  }
  const requested: Requested = request.requested;
  if (requested.kind === 'credit-line') {
    const wanted = requested.requestedLimit;
    const candidates = [
      wanted,
      request.applicant.monthlyIncome.multiply(limitIncomeMultiple, RoundingMode.DOWN),
      Money.of(limitCap, wanted.currency),
    ];
    const limit = candidates.reduce((a, b) => (b.lessThan(a) ? b : a));
    if (!limit.isPositive()) throw new Error('an approved line has a positive limit');
    return { creditLine: { limit, priceTier: tier }, draw: null };
  }
  if (requested.product === 'installment-purchase') {
    const feeRate = InstallmentFeeRates[requested.periods];
    if (feeRate === undefined) throw new Error(`no fee rate for ${requested.periods} periods`);
    const feePayer = requested.feePayer ?? 'buyer';
    return {
      creditLine: null,
      draw: {
        pricing: {
          method: 'flat-fee',
          periods: requested.periods,
          annualRate: null,
          dailyRate: null,
          feeRate,
          feePayer,
          dayCount: InstallmentPlanDayCount,
          penaltyDailyRate: PenaltyDailyRate,
        },
        merchantFee:
          feePayer === 'merchant'
            ? requested.amount.multiply(feeRate, RoundingMode.HALF_EVEN)
            : null,
      },
    };
  }
  // A cash loan: the method the borrower chose, priced at the band's daily or annual rate.
  const method = requested.repaymentMethod ?? 'daily-interest';
  const product = CashLoanProducts[method];
  return {
    creditLine: null,
    draw: {
      pricing: {
        method,
        periods: requested.periods,
        annualRate: product.rate === 'annual' ? cashAnnualRate : null,
        dailyRate: product.rate === 'daily' ? cashDailyRate : null,
        feeRate: null,
        feePayer: null,
        dayCount: product.dayCount,
        penaltyDailyRate: PenaltyDailyRate,
      },
      merchantFee: null,
    },
  };
}
