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

/** Where a draw approved on a line stands: its amount is in flight until its payout ends. */
export type DrawState = 'in-flight' | 'disbursed' | 'failed';

/** One draw on a line, as the loan stream has told of it so far. */
export interface LineDraw {
  readonly applicationId: string;
  /** Null until the loan stream names the loan (`loan.created`). */
  readonly loanId: string | null;
  readonly amount: Money;
  readonly state: DrawState;
}

/** The events of the loan stream that move a line. */
export type LineEvent =
  | {
      readonly type: 'loan.created';
      readonly applicationId: string;
      readonly loanId: string;
      readonly lineId: string | null;
      readonly principal: Money;
    }
  | {
      readonly type: 'loan.disbursed';
      readonly loanId: string;
      readonly lineId: string | null;
      readonly principal: Money;
    }
  | {
      readonly type: 'disbursement.failed';
      readonly applicationId: string;
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

/** What an event does to its line: the draw to store (null: none) and the new principal outstanding. */
export type LineChange =
  | { readonly ok: true; readonly draw: LineDraw | null; readonly principalOutstanding: Money }
  | { readonly ok: false; readonly reason: string };

/**
 * The change one loan-stream event makes on its line, given the draw it concerns (undefined when
 * this service has no record of it) and the line's principal outstanding. Each draw leaves flight
 * once: `loan.disbursed` makes its principal outstanding, `disbursement.failed` gives it back;
 * `repayment.allocated` takes the principal it allocated off the outstanding. A draw the loan
 * stream knows and the decisions do not (a loan created before its decision was rebuilt) is
 * recorded from `loan.created` as in flight, so the figures are right in whatever order the two
 * streams are read. Refused: a figure below zero, a draw that both failed and paid out.
 */
export function lineChangeOf(
  event: LineEvent,
  draw: LineDraw | undefined,
  principalOutstanding: Money,
): LineChange {
  const unchanged: LineChange = { ok: true, draw: null, principalOutstanding };
  if (!event.principal.hasSameCurrency(principalOutstanding)) {
    return {
      ok: false,
      reason: `${event.type} of loan ${event.loanId} is in ${event.principal.currency}, the line in ${principalOutstanding.currency}`,
    };
  }
  switch (event.type) {
    case 'loan.created':
      if (draw) {
        return draw.loanId === event.loanId
          ? unchanged
          : { ok: true, draw: { ...draw, loanId: event.loanId }, principalOutstanding };
      }
      return {
        ok: true,
        draw: {
          applicationId: event.applicationId,
          loanId: event.loanId,
          amount: event.principal,
          state: 'in-flight',
        },
        principalOutstanding,
      };
    case 'loan.disbursed': {
      if (draw?.state === 'disbursed') return unchanged;
      if (draw?.state === 'failed') {
        return { ok: false, reason: `loan ${event.loanId} paid out after its payout failed` };
      }
      const outstanding = principalOutstanding.add(event.principal);
      // No draw on record (a loan older than this record): its principal is out all the same.
      return {
        ok: true,
        draw: draw ? { ...draw, state: 'disbursed' } : null,
        principalOutstanding: outstanding,
      };
    }
    case 'disbursement.failed':
      if (draw?.state === 'failed') return unchanged;
      if (draw?.state === 'disbursed') {
        return { ok: false, reason: `loan ${event.loanId} failed after it was paid out` };
      }
      return {
        ok: true,
        // Recorded even when unknown, so a decision rebuilt later does not reserve it again.
        draw: {
          applicationId: event.applicationId,
          loanId: event.loanId,
          amount: draw?.amount ?? event.principal,
          state: 'failed',
        },
        principalOutstanding,
      };
    case 'repayment.allocated': {
      if (event.principal.isZero()) return unchanged;
      const outstanding = principalOutstanding.subtract(event.principal);
      if (outstanding.isNegative()) {
        return {
          ok: false,
          reason: `loan ${event.loanId} repaid principal ${event.principal.toString()}, but only ${principalOutstanding.toString()} is outstanding on the line`,
        };
      }
      return { ok: true, draw: null, principalOutstanding: outstanding };
    }
  }
}
