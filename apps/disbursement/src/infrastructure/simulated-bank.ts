import type { DataSource } from 'typeorm';
import { Money } from '@credit/money';
import {
  type PaymentRail,
  type PayoutOutcome,
  type PayoutRequest,
  type PayoutStatus,
  type RailReply,
  type SimulatedBankSettings,
  type SimulatedFate,
  type StatementLine,
  classifyPayReply,
  classifyStatusReply,
  simulatedDraw,
  simulatedOutcome,
} from '../domain/payment-rail';
import { invariant } from '@credit/kernel';

type BankOutcome = 'succeeded' | 'failed' | 'pending';

interface BankRow {
  outcome: BankOutcome;
  confirm_at: Date | null;
  inserted: boolean;
}

/**
 * A bank for development and tests, in its own table (`rail_payouts`: the bank's books, not the
 * service's state; a rebuild of the service leaves it alone, as a real bank would keep its own).
 * A payout's reference is its idempotency key: a request repeated (a retry, a rebuild) is answered
 * from the first one and never pays twice. Each payout's fate comes from the seed and the reference,
 * or from a sandbox rule on its amount: declined, confirmed late, paid with the answer lost (a
 * timeout), paid with the request delivered twice, or paid. It answers status enquiries by
 * reference and writes a statement of what it paid per day.
 */
export class SimulatedBank implements PaymentRail {
  /** References whose first request was lost on its way (fate drop-first). */
  private readonly dropped = new Set<string>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly settings: SimulatedBankSettings,
  ) {}

  async pay(request: PayoutRequest): Promise<PayoutOutcome> {
    const fate = this.fateOf(request);
    if (fate === 'drop-first' && !this.dropped.has(request.reference)) {
      this.dropped.add(request.reference);
      return classifyPayReply({ kind: 'no-answer', reason: 'connection reset before the bank' });
    }
    if (fate === 'answer-twice') {
      // A retrying proxy delivers the request twice; the bank answers both, pays once.
      const [, second] = await Promise.all([
        this.receive(request, fate),
        this.receive(request, fate),
      ]);
      return classifyPayReply(second);
    }
    return classifyPayReply(await this.receive(request, fate));
  }

  async status(reference: string): Promise<PayoutStatus> {
    const [row] = await this.dataSource.query<{ outcome: BankOutcome; confirm_at: Date | null }[]>(
      `SELECT outcome, confirm_at FROM rail_payouts WHERE payout_id = $1`,
      [reference],
    );
    if (!row) return classifyStatusReply({ kind: 'answered', httpStatus: 404 });
    return classifyStatusReply(await this.answer(reference, row));
  }

  async statement(businessDate: string): Promise<StatementLine[]> {
    // A late payout is paid at its confirmation time whether or not anyone asked since.
    const rows = await this.dataSource.query<
      { payout_id: string; payee: string; amount: string; currency: string; paid_at: Date }[]
    >(
      `SELECT payout_id, payee, amount::text, currency, paid_at FROM (
         SELECT payout_id, payee, amount, currency,
                CASE WHEN outcome = 'succeeded' THEN coalesce(paid_at, confirm_at, created_at)
                     WHEN outcome = 'pending' AND confirm_at <= now() THEN confirm_at END AS paid_at
           FROM rail_payouts) p
        WHERE paid_at >= ($1::date)::timestamp AT TIME ZONE 'UTC'
          AND paid_at < ($1::date + 1)::timestamp AT TIME ZONE 'UTC'
        ORDER BY payout_id`,
      [businessDate],
    );
    return rows.map((r) => ({
      reference: r.payout_id,
      payee: r.payee,
      amount: Money.of(r.amount, r.currency),
      paidAt: r.paid_at.toISOString(),
    }));
  }

  private fateOf(request: PayoutRequest): SimulatedFate {
    for (const [amount, fate] of this.settings.amountFates) {
      if (request.amount.equals(Money.of(amount, request.amount.currency))) return fate;
    }
    return simulatedOutcome(
      simulatedDraw(this.settings.seed, request.reference),
      this.settings.failureRate,
      this.settings.lateRate,
      this.settings.timeoutRate,
      this.settings.duplicateRate,
    );
  }

  /** One delivery of a payout request to the bank, and what goes back on the wire. */
  private async receive(request: PayoutRequest, fate: SimulatedFate): Promise<RailReply> {
    const amount = request.amount;
    const outcome: BankOutcome =
      fate === 'declined' ? 'failed' : fate === 'late' ? 'pending' : 'succeeded';
    const confirmAt =
      fate === 'late' ? new Date(Date.now() + this.settings.lateConfirmationMs) : null;
    const [row] = await this.dataSource.query<BankRow[]>(
      `INSERT INTO rail_payouts (payout_id, payee, amount, currency, outcome, confirm_at, paid_at, fate)
       VALUES ($1, $2, $3, $4, $5, $6, CASE WHEN $5 = 'succeeded' THEN now() END, $7)
       ON CONFLICT (payout_id) DO UPDATE SET requests = rail_payouts.requests + 1
       RETURNING outcome, confirm_at, (xmax = 0) AS inserted`,
      [
        request.reference,
        request.payee,
        amount.toString(),
        amount.currency,
        outcome,
        confirmAt?.toISOString() ?? null,
        fate,
      ],
    );
    invariant(row, 'the simulated bank returned no payout');
    // Paid, and the answer to this (first) request is lost on its way back.
    if (fate === 'timeout-after-pay' && row.inserted)
      return { kind: 'no-answer', reason: 'timed out waiting for the bank' };
    return this.answer(request.reference, row);
  }

  /** The bank's answer about a payout it holds; a late one becomes paid at its confirmation time. */
  private async answer(
    reference: string,
    row: { outcome: BankOutcome; confirm_at: Date | null },
  ): Promise<RailReply> {
    if (row.outcome === 'pending' && row.confirm_at !== null && row.confirm_at <= new Date()) {
      await this.dataSource.query(
        `UPDATE rail_payouts SET outcome = 'succeeded', paid_at = confirm_at
          WHERE payout_id = $1 AND outcome = 'pending'`,
        [reference],
      );
      return { kind: 'answered', httpStatus: 200, state: 'paid' };
    }
    if (row.outcome === 'succeeded') return { kind: 'answered', httpStatus: 200, state: 'paid' };
    if (row.outcome === 'failed') return { kind: 'answered', httpStatus: 422, state: 'declined' };
    return { kind: 'answered', httpStatus: 202, state: 'processing' };
  }
}
