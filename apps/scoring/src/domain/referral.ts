import {
  type ReferralDeclineReason,
  ReferralDeclineReasonCodes,
  ReferralDeclineReasons,
  ReferralPriceTiers,
} from '@credit/contracts';
import { Money, RoundingMode, isMoneyError } from '@credit/money';
import { availableOnLine } from './line-exposure';
import { ReasonCodesMax } from '@credit/scorecard';
import type { CreditRequest, CustomerHistory } from './credit-request';
import { type Decision, type Reason, grant } from './decide';
import type { PolicyLimits } from './rules';
import { ScoreBands } from './score-bands';

/**
 * The operator's queue of referred applications, as rules: what an operator may grant on a
 * referral (an approving band's tier, a limit within that tier's policy and the customer's exposure
 * cap; a draw within its line) and the reasons a referral may be declined for. Pure: no I/O.
 */

export type ReferralErrorCode =
  | 'REFERRAL.INVALID'
  | 'REFERRAL.OUTSIDE_POLICY'
  | 'REFERRAL.NOT_FOUND'
  | 'REFERRAL.NOT_PENDING'
  | 'REFERRAL.IDEMPOTENCY_CONFLICT';

const kindOf: Record<ReferralErrorCode, 'invalid' | 'rejected' | 'not-found' | 'conflict'> = {
  'REFERRAL.INVALID': 'invalid',
  'REFERRAL.OUTSIDE_POLICY': 'rejected',
  'REFERRAL.NOT_FOUND': 'not-found',
  'REFERRAL.NOT_PENDING': 'conflict',
  'REFERRAL.IDEMPOTENCY_CONFLICT': 'conflict',
};

/** An expected refusal with a stable code; `details.field` names the request field at fault. */
export class ReferralError extends Error {
  readonly kind: 'invalid' | 'rejected' | 'not-found' | 'conflict';
  constructor(
    readonly code: ReferralErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'ReferralError';
    this.kind = kindOf[code];
  }
}

// The decline reasons and grantable tiers are shared with the API's schemas through the contracts;
// referral.spec checks the tiers are those of the approving bands.
export {
  type ReferralDeclineReason,
  ReferralDeclineReasonCodes,
  ReferralDeclineReasons,
  ReferralPriceTiers,
};

export interface ReferralApproval {
  /** A credit line: the limit granted (required). A draw: omitted, or the amount drawn. */
  readonly limit: string | null;
  readonly priceTier: string;
}

/** What an approval grants, checked against policy. */
export type ApprovedTerms = Pick<Decision, 'creditLine' | 'draw'> & { readonly priceTier: string };

/**
 * The terms of an operator's approval, or a ReferralError naming the field: the tier must be an
 * approving band's; a credit line's limit must be positive, at the currency's scale, at most what
 * that tier would grant the applicant (requested limit, income multiple, cap) and within the
 * customer's exposure cap with the lines approved since; a draw is granted for the amount drawn,
 * at the tier's price, within what is left on its line now.
 */
export function approvalTerms(
  request: CreditRequest,
  history: CustomerHistory,
  limits: PolicyLimits,
  approval: ReferralApproval,
): ApprovedTerms {
  const band = ScoreBands.find((b) => b.outcome === 'approve' && b.tier === approval.priceTier);
  if (!band || band.tier === null) {
    throw new ReferralError(
      'REFERRAL.INVALID',
      `priceTier must be one of ${ReferralPriceTiers.join(', ')}`,
      { field: 'priceTier' },
    );
  }
  const maximum = grant(request, band);
  const { requested } = request;
  if (requested.kind === 'credit-line') {
    if (approval.limit === null) {
      throw new ReferralError('REFERRAL.INVALID', 'limit is required to approve a credit line', {
        field: 'limit',
      });
    }
    const limit = parseLimit(approval.limit, requested.requestedLimit.currency);
    const most = maximum.creditLine?.limit;
    if (!most) throw new Error('an approving band grants a credit line a limit');
    if (limit.greaterThan(most)) {
      throw new ReferralError(
        'REFERRAL.OUTSIDE_POLICY',
        `limit ${limit.toString()} exceeds ${most.toString()}, the most tier ${band.tier} grants this applicant (requested limit, income multiple, cap)`,
        { field: 'limit', max: most.toString() },
      );
    }
    const cap = request.applicant.monthlyIncome.multiply(
      String(limits.exposureIncomeMultiple),
      RoundingMode.DOWN,
    );
    const room = cap.subtract(history.approvedLineLimits);
    if (limit.greaterThan(room)) {
      throw new ReferralError(
        'REFERRAL.OUTSIDE_POLICY',
        `limit ${limit.toString()} with the customer's approved limits ${history.approvedLineLimits.toString()} exceeds ${limits.exposureIncomeMultiple} × income = ${cap.toString()}`,
        { field: 'limit', max: (room.isPositive() ? room : Money.zero(room.currency)).toString() },
      );
    }
    return { creditLine: { limit, priceTier: band.tier }, draw: null, priceTier: band.tier };
  }
  if (approval.limit !== null) {
    const asked = parseLimit(approval.limit, requested.amount.currency);
    if (!asked.equals(requested.amount)) {
      throw new ReferralError(
        'REFERRAL.INVALID',
        `limit of a draw is the amount drawn, ${requested.amount.toString()}; leave it out or send that amount`,
        { field: 'limit' },
      );
    }
  }
  const line = history.line;
  const remaining = line ? availableOnLine(line) : null;
  if (!remaining || requested.amount.greaterThan(remaining)) {
    throw new ReferralError(
      'REFERRAL.OUTSIDE_POLICY',
      remaining
        ? `the draw ${requested.amount.toString()} exceeds what is left on its line now, ${remaining.toString()}`
        : `line ${requested.lineId ?? '(none)'} is not an approved line of the customer`,
      { field: 'limit' },
    );
  }
  return { creditLine: null, draw: maximum.draw, priceTier: band.tier };
}

function parseLimit(value: string, currency: string): Money {
  let limit: Money;
  try {
    limit = Money.of(value, currency);
  } catch (error) {
    if (isMoneyError(error)) {
      throw new ReferralError('REFERRAL.INVALID', `limit: ${error.message}`, { field: 'limit' });
    }
    throw error;
  }
  if (!limit.isPositive()) {
    throw new ReferralError('REFERRAL.INVALID', 'limit must be greater than zero', {
      field: 'limit',
    });
  }
  return limit;
}

/** The reasons of a declined referral: the operator's first, then the model's, four at most. */
export function declineReasons(
  reasonCode: string,
  modelReasons: readonly Reason[],
): readonly Reason[] {
  if (!Object.hasOwn(ReferralDeclineReasons, reasonCode)) {
    throw new ReferralError(
      'REFERRAL.INVALID',
      `reasonCode must be one of ${ReferralDeclineReasonCodes.join(', ')}`,
      { field: 'reasonCode' },
    );
  }
  const text = ReferralDeclineReasons[reasonCode as ReferralDeclineReason];
  return [{ code: reasonCode, text }, ...modelReasons.filter((r) => r.code !== reasonCode)].slice(
    0,
    ReasonCodesMax,
  );
}

/** Only a referral still waiting can be resolved; anything else is a conflict naming its status. */
export function assertPending(applicationId: string, decision: string): void {
  if (decision !== 'referred') {
    throw new ReferralError(
      'REFERRAL.NOT_PENDING',
      `application ${applicationId} is ${decision}, not a referral waiting for an operator`,
      { status: decision },
    );
  }
}
