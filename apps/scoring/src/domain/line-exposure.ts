import { Money } from '@credit/money';

/**
 * A revolving credit line as the decision sees it. The line revolves: principal repaid and payouts
 * that failed give their amount back, so what may be drawn is the limit less what is still out.
 */
export interface LineExposure {
  readonly limit: Money;
  /** Principal paid out on the line and not yet repaid (charged-off principal stays here). */
  readonly principalOutstanding: Money;
  /** Draws approved on the line whose payout has neither succeeded nor failed yet. */
  readonly drawsInFlight: Money;
}

/**
 * Available = limit − principal outstanding − draws in flight. Negative when the line is over its
 * limit (nothing can then be drawn); no division, so no rounding.
 */
export function availableOnLine(line: LineExposure): Money {
  return line.limit.subtract(line.principalOutstanding).subtract(line.drawsInFlight);
}

/** Whether a draw of `amount` fits what is available on the line. */
export function drawFits(line: LineExposure, amount: Money): boolean {
  return amount.lessThanOrEqual(availableOnLine(line));
}

/**
 * How one event of the loan stream moves a line's exposure: signed changes of the two figures.
 * Every draw enters as in flight when it is approved (the decision reserves it); then exactly one of
 * `loan.disbursed` (in flight → outstanding) or `disbursement.failed` (in flight → gone) follows, and
 * each `repayment.allocated` takes the principal it allocated off the outstanding.
 */
export interface ExposureMovement {
  readonly lineId: string;
  readonly drawsInFlight: Money;
  readonly principalOutstanding: Money;
  /** What caused it, for logs and errors. */
  readonly cause: string;
}

/** The exposure movements of the loan stream's events that touch a line. */
export type LineEvent =
  | {
      readonly type: 'loan.disbursed';
      readonly loanId: string;
      readonly lineId: string | null;
      readonly principal: Money;
    }
  | {
      readonly type: 'disbursement.failed';
      readonly loanId: string;
      readonly lineId: string | null;
      readonly principal: Money;
    }
  | {
      readonly type: 'repayment.allocated';
      readonly loanId: string;
      readonly lineId: string | null;
      /** The principal part of the allocation (penalty, interest, fee and overpayment restore nothing). */
      readonly principal: Money;
    };

/** The movement an event makes on its line; null when it is on no line or moves nothing. */
export function exposureMovementOf(event: LineEvent): ExposureMovement | null {
  if (event.lineId === null) return null;
  const zero = Money.zero(event.principal.currency);
  switch (event.type) {
    case 'loan.disbursed':
      return {
        lineId: event.lineId,
        drawsInFlight: event.principal.negate(),
        principalOutstanding: event.principal,
        cause: `loan ${event.loanId} paid out ${event.principal.toString()}`,
      };
    case 'disbursement.failed':
      return {
        lineId: event.lineId,
        drawsInFlight: event.principal.negate(),
        principalOutstanding: zero,
        cause: `payout of loan ${event.loanId} failed, ${event.principal.toString()} given back`,
      };
    case 'repayment.allocated':
      if (event.principal.isZero()) return null;
      return {
        lineId: event.lineId,
        drawsInFlight: zero,
        principalOutstanding: event.principal.negate(),
        cause: `loan ${event.loanId} repaid principal ${event.principal.toString()}`,
      };
  }
}

/**
 * The exposure after a movement, or the reason it cannot apply: neither figure may go below zero
 * (a draw leaves flight once, and no more principal can be repaid than was paid out).
 */
export function applyMovement(
  line: LineExposure,
  movement: ExposureMovement,
):
  | { readonly ok: true; readonly line: LineExposure }
  | { readonly ok: false; readonly reason: string } {
  const drawsInFlight = line.drawsInFlight.add(movement.drawsInFlight);
  const principalOutstanding = line.principalOutstanding.add(movement.principalOutstanding);
  if (drawsInFlight.isNegative()) {
    return {
      ok: false,
      reason: `line ${movement.lineId}: ${movement.cause}, but only ${line.drawsInFlight.toString()} is in flight`,
    };
  }
  if (principalOutstanding.isNegative()) {
    return {
      ok: false,
      reason: `line ${movement.lineId}: ${movement.cause}, but only ${line.principalOutstanding.toString()} is outstanding`,
    };
  }
  return { ok: true, line: { limit: line.limit, drawsInFlight, principalOutstanding } };
}
