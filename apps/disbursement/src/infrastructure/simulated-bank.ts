import type { DataSource } from 'typeorm';
import { Money } from '@credit/money';
import {
  type PaymentRail,
  type PayoutOutcome,
  type PayoutRequest,
  type SimulatedBankSettings,
  simulatedDraw,
  simulatedOutcome,
} from '../domain/payment-rail';

/**
 * A bank for development and tests. It keeps its payouts in its own table keyed by payout id, so
 * a retried payout is answered from the first one and never pays twice. Each payout's fate
 * (success, failure, late confirmation) comes from the seed and the payout id.
 */
export class SimulatedBank implements PaymentRail {
  constructor(
    private readonly dataSource: DataSource,
    private readonly settings: SimulatedBankSettings & { declineAmount: string | undefined },
  ) {}

  async pay(request: PayoutRequest): Promise<PayoutOutcome> {
    const amount = request.amount;
    const declined =
      this.settings.declineAmount !== undefined &&
      amount.equals(Money.of(this.settings.declineAmount, amount.currency));
    const fate = declined
      ? 'failed'
      : simulatedOutcome(
          simulatedDraw(this.settings.seed, request.payoutId),
          this.settings.failureRate,
          this.settings.lateRate,
        );
    const outcome: PayoutOutcome = fate === 'late' ? 'pending' : fate;
    const confirmAt =
      fate === 'late'
        ? new Date(Date.now() + this.settings.lateConfirmationMs).toISOString()
        : null;
    const [row] = await this.dataSource.query<
      { outcome: PayoutOutcome; confirm_at: Date | null }[]
    >(
      `INSERT INTO rail_payouts (payout_id, payee, amount, currency, outcome, confirm_at)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (payout_id) DO UPDATE SET requests = rail_payouts.requests + 1
       RETURNING outcome, confirm_at`,
      [request.payoutId, request.payee, amount.toString(), amount.currency, outcome, confirmAt],
    );
    if (!row) throw new Error('invariant violated: the simulated bank returned no payout');
    if (
      row.outcome === 'pending' &&
      row.confirm_at !== null &&
      row.confirm_at.getTime() <= Date.now()
    ) {
      await this.dataSource.query(
        `UPDATE rail_payouts SET outcome = 'succeeded' WHERE payout_id = $1`,
        [request.payoutId],
      );
      return 'succeeded';
    }
    return row.outcome;
  }
}
