import { createHash } from 'node:crypto';
import type { Money } from '@credit/money';

export interface PayoutRequest {
  /** The rail's idempotency key: the same id never pays twice. */
  readonly payoutId: string;
  /** e.g. `customer:C-1` (their bank account on file) or `merchant:M-7`. */
  readonly payee: string;
  readonly amount: Money;
}

/** succeeded and failed are final; pending means ask again later (a timeout or a late confirmation). */
export type PayoutOutcome = 'succeeded' | 'failed' | 'pending';

/** How money leaves the lender. The default implementation simulates a bank. */
export interface PaymentRail {
  pay(request: PayoutRequest): Promise<PayoutOutcome>;
}

export interface SimulatedBankSettings {
  readonly seed: string;
  /** Shares of payouts that fail outright, and that are confirmed late (pending first). */
  readonly failureRate: string;
  readonly lateRate: string;
  readonly lateConfirmationMs: number;
}

/**
 * The fate of a payout in the simulated bank, decided by its id and the seed alone: the same seed
 * gives the same outcomes in every run. Returns a number in [0, 1) as a decimal string of 6 digits.
 */
export function simulatedDraw(seed: string, payoutId: string): string {
  const digest = createHash('sha256').update(`${seed}:${payoutId}`).digest();
  const value = digest.readUInt32BE(0) % 1_000_000;
  return `0.${String(value).padStart(6, '0')}`;
}

/** Which outcome a draw falls in: [0, failureRate) fails, the next lateRate is late, the rest succeed. */
export function simulatedOutcome(
  draw: string,
  failureRate: string,
  lateRate: string,
): 'failed' | 'late' | 'succeeded' {
  const micros = (value: string) => {
    const [whole = '0', fraction = ''] = value.split('.');
    return Number(whole) * 1_000_000 + Number((fraction + '000000').slice(0, 6));
  };
  const d = micros(draw);
  const f = micros(failureRate);
  const l = micros(lateRate);
  if (d < f) return 'failed';
  if (d < f + l) return 'late';
  return 'succeeded';
}
