import { Money } from '@credit/money';
import {
  type LineDraw,
  type LineEvent,
  type LineExposure,
  availableOnLine,
  drawFits,
  lineChangeOf,
} from './line-exposure';

const cny = (amount: string) => Money.of(amount, 'CNY');
const line = (limit: string, outstanding: string, inFlight: string): LineExposure => ({
  limit: cny(limit),
  principalOutstanding: cny(outstanding),
  drawsInFlight: cny(inFlight),
});

/** A line as the store keeps it: limit, principal outstanding and its draws. */
class LineModel {
  principalOutstanding = cny('0.00');
  readonly draws = new Map<string, LineDraw>();

  constructor(readonly limit: Money) {}

  exposure(): LineExposure {
    const inFlight = [...this.draws.values()].filter((d) => d.state === 'in-flight');
    return {
      limit: this.limit,
      principalOutstanding: this.principalOutstanding,
      drawsInFlight: Money.sum(
        'CNY',
        inFlight.map((d) => d.amount),
      ),
    };
  }

  /** What the decision does for an approved draw: in flight, once per application. */
  reserve(applicationId: string, amount: string): void {
    if (!this.draws.has(applicationId)) {
      this.draws.set(applicationId, {
        applicationId,
        loanId: null,
        amount: cny(amount),
        state: 'in-flight',
      });
    }
  }

  /** What the handler does with an event; throws with the reason when it is refused. */
  apply(event: LineEvent): void {
    const draw =
      event.type === 'repayment.allocated'
        ? undefined
        : event.type === 'loan.disbursed'
          ? [...this.draws.values()].find((d) => d.loanId === event.loanId)
          : this.draws.get(event.applicationId);
    const change = lineChangeOf(event, draw, this.principalOutstanding);
    if (!change.ok) throw new Error(change.reason);
    if (change.draw) this.draws.set(change.draw.applicationId, change.draw);
    this.principalOutstanding = change.principalOutstanding;
  }

  figures() {
    const e = this.exposure();
    return {
      principalOutstanding: e.principalOutstanding.toString(),
      drawsInFlight: e.drawsInFlight.toString(),
      available: availableOnLine(e).toString(),
    };
  }
}

const created = (applicationId: string, principal: string): LineEvent => ({
  type: 'loan.created',
  applicationId,
  loanId: `L-${applicationId}`,
  lineId: 'CL-1',
  principal: cny(principal),
});
const disbursed = (applicationId: string, principal: string): LineEvent => ({
  type: 'loan.disbursed',
  loanId: `L-${applicationId}`,
  lineId: 'CL-1',
  principal: cny(principal),
});
const failed = (applicationId: string, principal: string): LineEvent => ({
  type: 'disbursement.failed',
  applicationId,
  loanId: `L-${applicationId}`,
  lineId: 'CL-1',
  principal: cny(principal),
});
const repaid = (applicationId: string, principal: string): LineEvent => ({
  type: 'repayment.allocated',
  loanId: `L-${applicationId}`,
  lineId: 'CL-1',
  principal: cny(principal),
});

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
    const line = new LineModel(cny('5000.00'));
    line.reserve('A-1', '5000.00');
    expect(line.figures()).toEqual({
      principalOutstanding: '0.00',
      drawsInFlight: '5000.00',
      available: '0.00',
    });
    expect(drawFits(line.exposure(), cny('0.01'))).toBe(false);
    line.apply(created('A-1', '5000.00'));
    line.apply(disbursed('A-1', '5000.00'));
    expect(line.figures()).toEqual({
      principalOutstanding: '5000.00',
      drawsInFlight: '0.00',
      available: '0.00',
    });
    line.apply(repaid('A-1', '1234.56'));
    expect(line.figures().available).toBe('1234.56');
    line.apply(repaid('A-1', '3765.44'));
    expect(line.figures()).toEqual({
      principalOutstanding: '0.00',
      drawsInFlight: '0.00',
      available: '5000.00',
    });
    expect(drawFits(line.exposure(), cny('5000.00'))).toBe(true);
  });

  it('a failed payout gives its amount back; the principal outstanding is untouched', () => {
    const line = new LineModel(cny('5000.00'));
    line.reserve('A-1', '1000.00');
    line.apply(created('A-1', '1000.00'));
    line.apply(disbursed('A-1', '1000.00'));
    line.reserve('A-2', '3000.00');
    line.apply(created('A-2', '3000.00'));
    expect(line.figures().available).toBe('1000.00');
    line.apply(failed('A-2', '3000.00'));
    expect(line.figures()).toEqual({
      principalOutstanding: '1000.00',
      drawsInFlight: '0.00',
      available: '4000.00',
    });
  });

  it('each draw leaves flight once: the same outcome again changes nothing', () => {
    const line = new LineModel(cny('5000.00'));
    line.reserve('A-1', '2000.00');
    line.apply(created('A-1', '2000.00'));
    line.apply(created('A-1', '2000.00'));
    line.apply(disbursed('A-1', '2000.00'));
    line.apply(disbursed('A-1', '2000.00'));
    line.reserve('A-2', '1000.00');
    line.apply(failed('A-2', '1000.00'));
    line.apply(failed('A-2', '1000.00'));
    line.reserve('A-2', '1000.00'); // a replayed decision does not put it back in flight
    expect(line.figures()).toEqual({
      principalOutstanding: '2000.00',
      drawsInFlight: '0.00',
      available: '3000.00',
    });
  });

  it('in whatever order decisions and the loan stream are read, the figures agree', () => {
    // Rebuilt from the log: the loan stream first, then the (re-made) decision.
    const line = new LineModel(cny('5000.00'));
    line.apply(created('A-1', '2000.00'));
    expect(line.figures().drawsInFlight).toBe('2000.00');
    line.apply(disbursed('A-1', '2000.00'));
    line.reserve('A-1', '2000.00');
    line.apply(failed('A-2', '500.00'));
    line.reserve('A-2', '500.00');
    expect(line.figures()).toEqual({
      principalOutstanding: '2000.00',
      drawsInFlight: '0.00',
      available: '3000.00',
    });
  });

  it('a loan on no line, and a repayment with no principal, move nothing', () => {
    const outstanding = cny('10.00');
    expect(lineChangeOf(repaid('A-1', '0.00'), undefined, outstanding)).toEqual({
      ok: true,
      draw: null,
      principalOutstanding: outstanding,
    });
  });

  it('refuses what cannot be, naming the loan and the figures', () => {
    const line = new LineModel(cny('5000.00'));
    line.reserve('A-1', '100.00');
    line.apply(created('A-1', '100.00'));
    line.apply(disbursed('A-1', '100.00'));
    expect(() => line.apply(failed('A-1', '100.00'))).toThrow(
      'loan L-A-1 failed after it was paid out',
    );
    line.reserve('A-2', '100.00');
    line.apply(failed('A-2', '100.00'));
    line.apply(created('A-2', '100.00'));
    expect(() => line.apply(disbursed('A-2', '100.00'))).toThrow(
      'loan L-A-2 paid out after its payout failed',
    );
    expect(() => line.apply(repaid('A-1', '100.01'))).toThrow(
      'loan L-A-1 repaid principal 100.01, but only 100.00 is outstanding on the line',
    );
    const usd = { ...repaid('A-1', '1.00'), principal: Money.of('1.00', 'USD') };
    expect(lineChangeOf(usd, undefined, cny('100.00'))).toEqual({
      ok: false,
      reason: 'repayment.allocated of loan L-A-1 is in USD, the line in CNY',
    });
    expect(line.figures()).toEqual({
      principalOutstanding: '100.00',
      drawsInFlight: '0.00',
      available: '4900.00',
    });
  });
});
