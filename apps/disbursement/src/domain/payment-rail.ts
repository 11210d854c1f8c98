import { createHash } from 'node:crypto';
import type { Money } from '@credit/money';

export interface PayoutRequest {
  /**
   * The payout's reference at the bank, its idempotency key: derived from what is paid (the loan,
   * the settlement), never random, so a retry or a rebuild from the log never pays twice.
   */
  readonly reference: string;
  /** e.g. `customer:C-1` (their bank account on file) or `merchant:M-7`. */
  readonly payee: string;
  readonly amount: Money;
}

/**
 * The bank's three answers to a payout. Only `paid` and `declined` are definitive; `unknown` (a
 * timeout, a dropped connection, a 5xx, an accepted-but-pending) means the money may or may not
 * have gone out: the payout stays unconfirmed and the bank is asked for its status.
 */
export type PayoutOutcome = 'paid' | 'declined' | 'unknown';

/**
 * The answer to a status enquiry by reference: the three outcomes, or `not-received` when the bank
 * has no payout with that reference (the request never reached it): then, and only then, the same
 * request is sent again (same reference, so it cannot pay twice either way).
 */
export type PayoutStatus = PayoutOutcome | 'not-received';

/** One line of the bank's statement: a payout it made on the statement's date. */
export interface StatementLine {
  readonly reference: string;
  readonly payee: string;
  readonly amount: Money;
  readonly paidAt: string;
}

/** How money leaves the lender. The default implementation simulates a bank. */
export interface PaymentRail {
  /** Never throws for a transport fault: a failure to hear the answer is `unknown`. */
  pay(request: PayoutRequest): Promise<PayoutOutcome>;
  /** The status of a payout by its reference; never throws for a transport fault (`unknown`). */
  status(reference: string): Promise<PayoutStatus>;
  /** What the bank paid on a business date (UTC), by reference. */
  statement(businessDate: string): Promise<StatementLine[]>;
}

/**
 * What came back from the bank on the wire, before it means anything: an HTTP-like answer with the
 * bank's state of the payout, or no answer at all (timeout, dropped connection).
 */
export type RailReply =
  | { readonly kind: 'answered'; readonly httpStatus: number; readonly state?: string }
  | { readonly kind: 'no-answer'; readonly reason: string };

/** The bank's states that are final. Anything else it says (accepted, processing) is pending. */
const PaidStates = new Set(['paid', 'settled', 'completed']);
const DeclinedStates = new Set(['declined', 'rejected']);

/**
 * Classifies a reply to a payout request (or a status enquiry). Only an explicit decline is a
 * decline: a 5xx, a 4xx without a declined state (a conflict, a rate limit), a timeout or a
 * dropped connection may all hide a payout the bank made, so they are `unknown`.
 */
export function classifyPayReply(reply: RailReply): PayoutOutcome {
  if (reply.kind === 'no-answer') return 'unknown';
  const state = reply.state?.toLowerCase();
  if (reply.httpStatus >= 200 && reply.httpStatus < 300) {
    if (state !== undefined && PaidStates.has(state)) return 'paid';
    if (state !== undefined && DeclinedStates.has(state)) return 'declined';
    return 'unknown';
  }
  if (reply.httpStatus >= 400 && reply.httpStatus < 500 && state !== undefined)
    return DeclinedStates.has(state) ? 'declined' : 'unknown';
  return 'unknown';
}

/** Classifies a reply to a status enquiry: a 404 (no such reference) is `not-received`. */
export function classifyStatusReply(reply: RailReply): PayoutStatus {
  if (reply.kind === 'answered' && reply.httpStatus === 404) return 'not-received';
  return classifyPayReply(reply);
}

/**
 * What the payout worker does after hearing the bank (or not): a definitive answer settles the
 * payout (`paid`: post the hold and book; `declined`: void the hold and fail); `unknown` keeps it
 * unconfirmed and asks again later, whatever the number of attempts: the bank may have paid, so
 * the limit must not come back; `not-received` sends the same request again.
 */
export type PayoutStep = 'book' | 'void' | 'enquire-later' | 'pay-again';

export function nextPayoutStep(answer: PayoutStatus): PayoutStep {
  switch (answer) {
    case 'paid':
      return 'book';
    case 'declined':
      return 'void';
    case 'unknown':
      return 'enquire-later';
    case 'not-received':
      return 'pay-again';
  }
}

/** The bank reference of a loan's payout to the customer, and of a merchant settlement. */
export const loanPayoutReference = (loanId: string) => `payout:${loanId}`;
export const settlementPayoutReference = (settlementId: string) => `settlement:${settlementId}`;

/** How the simulated bank treats a payout. */
export type SimulatedFate =
  /** Declines it. */
  | 'declined'
  /** Accepts it, pending, and confirms it only after the late confirmation delay. */
  | 'late'
  /** Pays it, then the answer is lost: the caller sees a timeout. */
  | 'timeout-after-pay'
  /** Pays it and the request is delivered (and answered) twice, as by a retrying proxy. */
  | 'answer-twice'
  /** The first request is lost before it reaches the bank (a dropped connection); then pays. */
  | 'drop-first'
  /** Pays it and answers paid. */
  | 'paid';

export const SimulatedFates: readonly SimulatedFate[] = [
  'declined',
  'late',
  'timeout-after-pay',
  'answer-twice',
  'drop-first',
  'paid',
];

export interface SimulatedBankSettings {
  readonly seed: string;
  /** Shares of payouts declined, confirmed late, timed out after paying, answered twice. */
  readonly failureRate: string;
  readonly lateRate: string;
  readonly timeoutRate: string;
  readonly duplicateRate: string;
  readonly lateConfirmationMs: number;
  /** Sandbox rules: a payout of exactly one of these amounts gets that fate, whatever the draw. */
  readonly amountFates: ReadonlyMap<string, SimulatedFate>;
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

const micros = (value: string) => {
  const [whole = '0', fraction = ''] = value.split('.');
  return Number(whole) * 1_000_000 + Number((fraction + '000000').slice(0, 6));
};

/**
 * Which fate a draw falls in: [0, failureRate) declined, the next lateRate late, the next
 * timeoutRate timed out after paying, the next duplicateRate answered twice, the rest paid.
 */
export function simulatedOutcome(
  draw: string,
  failureRate: string,
  lateRate: string,
  timeoutRate = '0',
  duplicateRate = '0',
): SimulatedFate {
  const d = micros(draw);
  let bound = 0;
  const shares: [SimulatedFate, string][] = [
    ['declined', failureRate],
    ['late', lateRate],
    ['timeout-after-pay', timeoutRate],
    ['answer-twice', duplicateRate],
  ];
  for (const [fate, share] of shares) {
    bound += micros(share);
    if (d < bound) return fate;
  }
  return 'paid';
}

/**
 * Parses RAIL_AMOUNT_FATES: `amount=fate` pairs separated by commas, e.g.
 * `4040.40=declined,5050.50=timeout-after-pay`. Throws naming the bad pair.
 */
export function parseAmountFates(spec: string | undefined): Map<string, SimulatedFate> {
  const fates = new Map<string, SimulatedFate>();
  for (const pair of (spec ?? '').split(',').map((p) => p.trim())) {
    if (pair === '') continue;
    const [amount = '', fate = ''] = pair.split('=').map((p) => p.trim());
    if (!/^\d{1,20}(\.\d{1,12})?$/.test(amount))
      throw new Error(`"${pair}": the amount must be a decimal such as 4040.40`);
    if (!(SimulatedFates as readonly string[]).includes(fate))
      throw new Error(`"${pair}": the fate must be one of ${SimulatedFates.join(', ')}`);
    fates.set(amount, fate as SimulatedFate);
  }
  return fates;
}
