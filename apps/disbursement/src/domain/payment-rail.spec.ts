import {
  classifyPayReply,
  classifyStatusReply,
  loanPayoutReference,
  nextPayoutStep,
  parseAmountFates,
  simulatedDraw,
  simulatedOutcome,
} from './payment-rail';

describe('the bank’s answers to a payout', () => {
  it('only an explicit paid or declined state is definitive', () => {
    expect(classifyPayReply({ kind: 'answered', httpStatus: 200, state: 'paid' })).toBe('paid');
    expect(classifyPayReply({ kind: 'answered', httpStatus: 201, state: 'SETTLED' })).toBe('paid');
    expect(classifyPayReply({ kind: 'answered', httpStatus: 422, state: 'declined' })).toBe(
      'declined',
    );
    expect(classifyPayReply({ kind: 'answered', httpStatus: 200, state: 'rejected' })).toBe(
      'declined',
    );
  });

  it('a timeout, a dropped connection, a 5xx, a pending or an unexplained 4xx is unknown', () => {
    expect(classifyPayReply({ kind: 'no-answer', reason: 'timeout' })).toBe('unknown');
    expect(classifyPayReply({ kind: 'no-answer', reason: 'ECONNRESET' })).toBe('unknown');
    expect(classifyPayReply({ kind: 'answered', httpStatus: 503 })).toBe('unknown');
    expect(classifyPayReply({ kind: 'answered', httpStatus: 500, state: 'declined' })).toBe(
      'unknown',
    );
    expect(classifyPayReply({ kind: 'answered', httpStatus: 202, state: 'processing' })).toBe(
      'unknown',
    );
    expect(classifyPayReply({ kind: 'answered', httpStatus: 200 })).toBe('unknown');
    expect(classifyPayReply({ kind: 'answered', httpStatus: 409, state: 'in-progress' })).toBe(
      'unknown',
    );
    expect(classifyPayReply({ kind: 'answered', httpStatus: 429 })).toBe('unknown');
  });

  it('a status enquiry that finds no such reference says the bank never received it', () => {
    expect(classifyStatusReply({ kind: 'answered', httpStatus: 404 })).toBe('not-received');
    expect(classifyStatusReply({ kind: 'answered', httpStatus: 200, state: 'paid' })).toBe('paid');
    expect(classifyStatusReply({ kind: 'no-answer', reason: 'timeout' })).toBe('unknown');
  });

  it('unknown never voids: paid books, declined voids, unknown asks again, not received pays again', () => {
    expect(nextPayoutStep('paid')).toBe('book');
    expect(nextPayoutStep('declined')).toBe('void');
    expect(nextPayoutStep('unknown')).toBe('enquire-later');
    expect(nextPayoutStep('not-received')).toBe('pay-again');
  });

  it('a payout’s reference is derived from its loan, the same in every run', () => {
    expect(loanPayoutReference('L-A-1')).toBe('payout:L-A-1');
  });
});

describe('simulated bank fates', () => {
  it('same seed and payout id give the same draw, another seed another one', () => {
    expect(simulatedDraw('seed-1', 'payout:L-1')).toBe(simulatedDraw('seed-1', 'payout:L-1'));
    const draws = new Set(['a', 'b', 'c', 'd'].map((seed) => simulatedDraw(seed, 'payout:L-1')));
    expect(draws.size).toBeGreaterThan(1);
    expect(simulatedDraw('s', 'p')).toMatch(/^0\.\d{6}$/);
  });

  it('splits draws into declined, late, timed out, answered twice and paid by the shares', () => {
    expect(simulatedOutcome('0.049999', '0.05', '0.10')).toBe('declined');
    expect(simulatedOutcome('0.050000', '0.05', '0.10')).toBe('late');
    expect(simulatedOutcome('0.149999', '0.05', '0.10')).toBe('late');
    expect(simulatedOutcome('0.150000', '0.05', '0.10')).toBe('paid');
    expect(simulatedOutcome('0.150000', '0.05', '0.10', '0.2')).toBe('timeout-after-pay');
    expect(simulatedOutcome('0.349999', '0.05', '0.10', '0.2')).toBe('timeout-after-pay');
    expect(simulatedOutcome('0.350000', '0.05', '0.10', '0.2', '0.1')).toBe('answer-twice');
    expect(simulatedOutcome('0.450000', '0.05', '0.10', '0.2', '0.1')).toBe('paid');
    expect(simulatedOutcome('0.999999', '1', '0')).toBe('declined');
    expect(simulatedOutcome('0.000000', '0', '0')).toBe('paid');
  });

  it('with a 20 % failure share about a fifth of many payouts are declined', () => {
    const fates = Array.from({ length: 2000 }, (_, i) =>
      simulatedOutcome(simulatedDraw('x', `p-${i}`), '0.2', '0'),
    );
    const declined = fates.filter((f) => f === 'declined').length;
    expect(declined).toBeGreaterThan(300);
    expect(declined).toBeLessThan(500);
  });

  it('sandbox rules by amount parse, and a bad pair is named', () => {
    expect([...parseAmountFates('4040.40=declined, 5050.50=timeout-after-pay')]).toEqual([
      ['4040.40', 'declined'],
      ['5050.50', 'timeout-after-pay'],
    ]);
    expect(parseAmountFates(undefined).size).toBe(0);
    expect(() => parseAmountFates('12=lost')).toThrow('"12=lost": the fate must be one of');
    expect(() => parseAmountFates('x=late')).toThrow('"x=late": the amount must be a decimal');
  });
});
