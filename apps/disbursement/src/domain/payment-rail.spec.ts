import { simulatedDraw, simulatedOutcome } from './payment-rail';

describe('simulated bank fates', () => {
  it('same seed and payout id give the same draw, another seed another one', () => {
    expect(simulatedDraw('seed-1', 'payout:L-1')).toBe(simulatedDraw('seed-1', 'payout:L-1'));
    const draws = new Set(['a', 'b', 'c', 'd'].map((seed) => simulatedDraw(seed, 'payout:L-1')));
    expect(draws.size).toBeGreaterThan(1);
    expect(simulatedDraw('s', 'p')).toMatch(/^0\.\d{6}$/);
  });

  it('splits draws into failed, late and succeeded by the configured shares', () => {
    expect(simulatedOutcome('0.049999', '0.05', '0.10')).toBe('failed');
    expect(simulatedOutcome('0.050000', '0.05', '0.10')).toBe('late');
    expect(simulatedOutcome('0.149999', '0.05', '0.10')).toBe('late');
    expect(simulatedOutcome('0.150000', '0.05', '0.10')).toBe('succeeded');
    expect(simulatedOutcome('0.999999', '1', '0')).toBe('failed');
    expect(simulatedOutcome('0.000000', '0', '0')).toBe('succeeded');
  });

  it('with a 20 % failure share about a fifth of many payouts fail', () => {
    const fates = Array.from({ length: 2000 }, (_, i) =>
      simulatedOutcome(simulatedDraw('x', `p-${i}`), '0.2', '0'),
    );
    const failed = fates.filter((f) => f === 'failed').length;
    expect(failed).toBeGreaterThan(300);
    expect(failed).toBeLessThan(500);
  });
});
