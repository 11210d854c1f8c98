/**
 * A retry schedule: the wait before retry n is `initialMs × 2^(n−1)`, capped at `maxMs`, then
 * jittered down by up to `jitter` of itself so that instances retrying the same fault spread out.
 * The worst case of one wait is therefore the capped value: that is what a caller checks against
 * a deadline (e.g. a Kafka consumer's session timeout).
 */
export interface BackoffPolicy {
  readonly initialMs: number;
  readonly maxMs: number;
  /** Share of a wait that is random, 0..1 (default 0.2: a wait is 80–100% of its capped value). */
  readonly jitter?: number;
}

export const BackoffJitterDefault = 0.2;

/** The longest a wait before retry `attempt` (1-based) can be: the capped, un-jittered value. */
export function backoffCeilingMs(policy: BackoffPolicy, attempt: number): number {
  const exponent = Math.max(0, Math.floor(attempt) - 1);
  // 2^exponent overflows to Infinity for large attempts: the cap still applies.
  return Math.max(0, Math.min(policy.maxMs, policy.initialMs * 2 ** exponent));
}

/** The wait before retry `attempt` (1-based), in whole milliseconds. */
export function backoffDelayMs(
  policy: BackoffPolicy,
  attempt: number,
  random: () => number = Math.random,
): number {
  const ceiling = backoffCeilingMs(policy, attempt);
  const jitter = Math.min(1, Math.max(0, policy.jitter ?? BackoffJitterDefault));
  return Math.round(ceiling * (1 - jitter * random()));
}

/** The longest single wait of a schedule of `retries` retries (0 without retries). */
export function worstBackoffMs(policy: BackoffPolicy, retries: number): number {
  return retries <= 0 ? 0 : backoffCeilingMs(policy, retries);
}
