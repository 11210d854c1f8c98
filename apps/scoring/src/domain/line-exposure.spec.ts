import { Money } from '@credit/money';
import {
  type LineExposure,
  applyMovement,
  availableOnLine,
  drawFits,
  exposureMovementOf,
} from './line-exposure';

const cny = (amount: string) => Money.of(amount, 'CNY');
const line = (limit: string, outstanding: string, inFlight: string): LineExposure => ({
  limit: cny(limit),
  principalOutstanding: cny(outstanding),
  drawsInFlight: cny(inFlight),
});
const figures = (l: LineExposure) => ({
  limit: l.limit.toString(),
  principalOutstanding: l.principalOutstanding.toString(),
  drawsInFlight: l.drawsInFlight.toString(),
});

/** Applies the events in order to the line, failing on the first that cannot apply. */
function run(start: LineExposure, events: Parameters<typeof exposureMovementOf>[0][]) {
  let current = start;
  for (const event of events) {
    const movement = exposureMovementOf(event);
    if (!movement) continue;
    const next = applyMovement(current, movement);
    if (!next.ok) throw new Error(next.reason);
    current = next.line;
  }
  return current;
}

describe('line exposure: a revolving line', () => {
  it('available = limit − principal outstanding − draws in flight', () => {
    expect(availableOnLine(line('20000.00', '7000.50', '3000.25')).toString()).toBe('9999.25');
    expect(availableOnLine(line('20000.00', '0.00', '0.00')).toString()).toBe('20000.00');
    // Over the limit (a line opened before revolving was tracked): nothing may be drawn.
    expect(availableOnLine(line('1000.00', '1200.00', '0.00')).toString()).toBe('-200.00');
  });

  it('a draw fits up to exactly what is available, not a cent more', () => {
    const l = line('10000.00', '4000.00', '1000.00');
    expect(drawFits(l, cny('5000.00'))).toBe(true);
    expect(drawFits(l, cny('5000.01'))).toBe(false);
    expect(drawFits(line('1000.00', '1200.00', '0.00'), cny('0.01'))).toBe(false);
  });

  it('drawn in full, paid out, repaid in full: the whole limit is available again', () => {
    // The decision reserved the whole line as in flight.
    const reserved = line('5000.00', '0.00', '5000.00');
    expect(drawFits(reserved, cny('0.01'))).toBe(false);
    const paidOut = run(reserved, [
      { type: 'loan.disbursed', loanId: 'L-1', lineId: 'CL-1', principal: cny('5000.00') },
    ]);
    expect(figures(paidOut)).toEqual({
      limit: '5000.00',
      principalOutstanding: '5000.00',
      drawsInFlight: '0.00',
    });
    expect(drawFits(paidOut, cny('0.01'))).toBe(false);
    const partly = run(paidOut, [
      { type: 'repayment.allocated', loanId: 'L-1', lineId: 'CL-1', principal: cny('1234.56') },
    ]);
    expect(availableOnLine(partly).toString()).toBe('1234.56');
    const repaid = run(partly, [
      { type: 'repayment.allocated', loanId: 'L-1', lineId: 'CL-1', principal: cny('3765.44') },
    ]);
    expect(figures(repaid)).toEqual({
      limit: '5000.00',
      principalOutstanding: '0.00',
      drawsInFlight: '0.00',
    });
    expect(drawFits(repaid, cny('5000.00'))).toBe(true);
  });

  it('a failed payout gives its amount back; the principal outstanding is untouched', () => {
    const after = run(line('5000.00', '1000.00', '3000.00'), [
      { type: 'disbursement.failed', loanId: 'L-2', lineId: 'CL-1', principal: cny('3000.00') },
    ]);
    expect(figures(after)).toEqual({
      limit: '5000.00',
      principalOutstanding: '1000.00',
      drawsInFlight: '0.00',
    });
    expect(availableOnLine(after).toString()).toBe('4000.00');
  });

  it('a loan on no line, and a repayment with no principal, move nothing', () => {
    expect(
      exposureMovementOf({
        type: 'loan.disbursed',
        loanId: 'L-3',
        lineId: null,
        principal: cny('10.00'),
      }),
    ).toBeNull();
    expect(
      exposureMovementOf({
        type: 'repayment.allocated',
        loanId: 'L-3',
        lineId: 'CL-1',
        principal: cny('0.00'),
      }),
    ).toBeNull();
  });

  it('refuses a movement that would take a figure below zero, naming the line and the cause', () => {
    const failedTwice = applyMovement(line('5000.00', '0.00', '100.00'), {
      lineId: 'CL-1',
      drawsInFlight: cny('-300.00'),
      principalOutstanding: cny('0.00'),
      cause: 'payout of loan L-4 failed, 300.00 given back',
    });
    expect(failedTwice).toEqual({
      ok: false,
      reason:
        'line CL-1: payout of loan L-4 failed, 300.00 given back, but only 100.00 is in flight',
    });
    const movement = exposureMovementOf({
      type: 'repayment.allocated',
      loanId: 'L-5',
      lineId: 'CL-1',
      principal: cny('50.00'),
    });
    if (!movement) throw new Error('a principal repayment on a line moves it');
    expect(applyMovement(line('5000.00', '49.99', '0.00'), movement)).toEqual({
      ok: false,
      reason: 'line CL-1: loan L-5 repaid principal 50.00, but only 49.99 is outstanding',
    });
  });
});
