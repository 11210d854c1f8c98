import { BackoffJitterDefault, backoffCeilingMs, backoffDelayMs, worstBackoffMs } from './backoff';

const policy = { initialMs: 200, maxMs: 5_000 };

describe('backoff', () => {
  it('doubles from the initial wait and stops at the cap', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => backoffCeilingMs(policy, n))).toEqual([
      200, 400, 800, 1_600, 3_200, 5_000, 5_000,
    ]);
    expect(backoffCeilingMs(policy, 5_000)).toBe(5_000);
  });

  it('jitters each wait down by at most the jitter share, never above the ceiling', () => {
    expect(backoffDelayMs(policy, 3, () => 0)).toBe(800);
    expect(backoffDelayMs(policy, 3, () => 1)).toBe(800 * (1 - BackoffJitterDefault));
    expect(backoffDelayMs({ ...policy, jitter: 0.5 }, 10, () => 0.5)).toBe(3_750);
    expect(backoffDelayMs({ ...policy, jitter: 0 }, 2, () => 0.9)).toBe(400);
    for (let attempt = 1; attempt <= 12; attempt++) {
      const delay = backoffDelayMs(policy, attempt);
      expect(delay).toBeLessThanOrEqual(backoffCeilingMs(policy, attempt));
      expect(delay).toBeGreaterThanOrEqual(backoffCeilingMs(policy, attempt) * 0.8 - 1);
    }
  });

  it('spreads instances out: two random draws give different waits', () => {
    const draws = [0.1, 0.9];
    const [a, b] = draws.map((r) => backoffDelayMs(policy, 4, () => r));
    expect(a).not.toBe(b);
  });

  it('the worst case of a schedule is its last capped wait', () => {
    expect(worstBackoffMs({ initialMs: 200, maxMs: 60_000 }, 8)).toBe(25_600);
    expect(worstBackoffMs(policy, 8)).toBe(5_000);
    expect(worstBackoffMs(policy, 0)).toBe(0);
  });
});
