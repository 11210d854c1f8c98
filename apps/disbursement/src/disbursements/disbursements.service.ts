import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import {
  type ApplicationDecidedV1Payload,
  DisbursementFailedV1,
  type DrawPricing,
  type EventEnvelope,
  LoanCreatedV1,
  LoanDisbursedV1,
  type LoanProduct,
  MerchantSettledV1,
} from '@credit/contracts';
import { installmentPlanSchedule } from '@credit/lending-math';
import { type NewEvent, OutboxWriter } from '@credit/messaging';
import { Money } from '@credit/money';
import { DomainError } from '@credit/platform';
import type { PaymentRail } from '../domain/payment-rail';
import type { LedgerHolds } from '../infrastructure/ledger-holds';

export const PAYMENT_RAIL = Symbol('PAYMENT_RAIL');
export const LEDGER_HOLDS = Symbol('LEDGER_HOLDS');

/** Disbursements paid per worker pass at most, and merchants settled per batch at most. */
/** Payouts one pass handles at most before the worker looks again (a pass never runs forever). */
export const PayoutPassMax = 1_000;
export const SettlementMerchantsMax = 500;

interface DisbursementRow {
  loan_id: string;
  application_id: string;
  customer_id: string;
  line_id: string | null;
  product: LoanProduct;
  currency: string;
  principal: string;
  merchant_id: string | null;
  merchant_fee: string | null;
  pricing: DrawPricing;
  state: 'created' | 'paying' | 'disbursed' | 'failed';
  attempts: number;
  last_error: string | null;
  start_date: string | null;
  created_at: Date;
  disbursed_at: Date | null;
  settlement_id: string | null;
  line_hold_id: string | null;
}

const Columns = `loan_id, application_id, customer_id, line_id, product, currency, principal::text, merchant_id,
  merchant_fee::text, pricing, state, attempts, last_error, to_char(start_date, 'YYYY-MM-DD') AS start_date,
  created_at, disbursed_at, settlement_id, line_hold_id`;

const todayUtc = () => new Date().toISOString().slice(0, 10);

export interface PayoutPolicy {
  readonly attemptsMax: number;
  readonly backoffMs: number;
  /** Payouts in flight at once, each in its own transaction. */
  readonly concurrency: number;
}

/**
 * Approved draw → loan created → paid out → loan.disbursed, or finally disbursement.failed.
 * An installment purchase is "paid" by booking the merchant payable (settled to the merchant in a
 * daily batch, net of a merchant-paid fee); a cash loan goes to the customer's bank through the rail.
 */
@Injectable()
export class DisbursementsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxWriter,
    @Inject(PAYMENT_RAIL) private readonly rail: PaymentRail,
    @Inject(LEDGER_HOLDS) private readonly holds: LedgerHolds | null,
  ) {}

  async onDecided(
    event: EventEnvelope<ApplicationDecidedV1Payload>,
    manager: EntityManager,
  ): Promise<void> {
    const decision = event.payload;
    if (decision.decision !== 'approved' || decision.draw === null) return;
    const draw = decision.draw;
    const loanId = `L-${decision.applicationId}`;
    const [existing] = await manager.query<unknown[]>(
      `SELECT 1 FROM disbursements WHERE application_id = $1`,
      [decision.applicationId],
    );
    if (existing) return;
    const principal = Money.fromJSON(draw.amount);
    const merchantFee =
      draw.product === 'installment-purchase' && draw.pricing.feePayer === 'merchant'
        ? draw.merchantFee
          ? Money.fromJSON(draw.merchantFee)
          : installmentPlanSchedule({
              principal,
              periods: draw.pricing.periods,
              startDate: todayUtc(),
              feeRate: draw.pricing.feeRate ?? '0',
              feePayer: 'merchant',
            }).merchantFee
        : null;
    await manager.query(
      `INSERT INTO disbursements (loan_id, application_id, customer_id, line_id, product, currency, principal,
                                  merchant_id, merchant_fee, pricing, state)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'created')`,
      [
        loanId,
        decision.applicationId,
        decision.customerId,
        draw.lineId,
        draw.product,
        principal.currency,
        principal.toString(),
        draw.merchantId,
        merchantFee?.toString() ?? null,
        JSON.stringify(draw.pricing),
      ],
    );
    await this.history(
      manager,
      loanId,
      'created',
      `approved application ${decision.applicationId}`,
    );
    await this.outbox.append(manager, this.loanCreated(loanId, decision, principal, merchantFee));
    // Reserve the amount on the credit line in the ledger before any money moves.
    if (this.holds && draw.lineId) {
      const reserved = await this.holds.reserve(loanId, draw.lineId, principal);
      if ('overLimit' in reserved) {
        const row = await this.lockedRow(manager, loanId);
        await this.markFailed(manager, row, `over the line limit: ${reserved.overLimit}`);
        return;
      }
      await manager.query(`UPDATE disbursements SET line_hold_id = $2 WHERE loan_id = $1`, [
        loanId,
        reserved.holdId,
      ]);
      await this.history(manager, loanId, 'limit-reserved', `hold on line ${draw.lineId}`);
    }
    if (draw.product === 'installment-purchase') {
      // The goods are the disbursement: the merchant payable is booked now, cash goes in the batch.
      const row = await this.lockedRow(manager, loanId);
      await this.markDisbursed(manager, row, 'merchant payable booked; settled in the daily batch');
      return;
    }
    await manager.query(`UPDATE disbursements SET state = 'paying' WHERE loan_id = $1`, [loanId]);
    await this.history(manager, loanId, 'paying', 'payout to the customer queued');
  }

  /**
   * One pass of the payout worker: pays every due cash loan through the rail, `concurrency` at a
   * time, each in its own transaction (`FOR UPDATE SKIP LOCKED`: the slots, and other instances,
   * never take the same loan). Returns how many were handled.
   */
  async payDue(policy: PayoutPolicy): Promise<number> {
    let handled = 0;
    const slot = async () => {
      while (handled < PayoutPassMax && (await this.payOne(policy))) handled += 1;
    };
    await Promise.all(Array.from({ length: Math.max(1, policy.concurrency) }, slot));
    return handled;
  }

  /** Pays the next due loan, if any, in one transaction. False when none is due. */
  private async payOne(policy: PayoutPolicy): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      const [row] = await manager.query<DisbursementRow[]>(
        `SELECT ${Columns} FROM disbursements WHERE state = 'paying' AND next_attempt_at <= now()
          ORDER BY next_attempt_at LIMIT 1 FOR UPDATE SKIP LOCKED`,
      );
      if (!row) return false;
      const amount = Money.of(row.principal, row.currency);
      let outcome: Awaited<ReturnType<PaymentRail['pay']>>;
      let error: string | null = null;
      try {
        outcome = await this.rail.pay({
          payoutId: `payout:${row.loan_id}`,
          payee: `customer:${row.customer_id}`,
          amount,
        });
      } catch (failure) {
        outcome = 'pending';
        error = failure instanceof Error ? failure.message : String(failure);
      }
      const attempts = row.attempts + 1;
      if (outcome === 'succeeded') {
        await this.markDisbursed(
          manager,
          { ...row, attempts },
          `paid to customer:${row.customer_id} (attempt ${attempts})`,
        );
      } else if (outcome === 'failed' || attempts >= policy.attemptsMax) {
        const reason =
          outcome === 'failed'
            ? 'the bank declined the payout'
            : `no confirmation after ${attempts} attempts${error ? `: ${error}` : ''}`;
        await this.markFailed(manager, row, reason);
      } else {
        const delayMs = policy.backoffMs * 2 ** Math.min(attempts - 1, 10);
        await manager.query(
          `UPDATE disbursements SET attempts = $2, last_error = $3, next_attempt_at = now() + ($4 || ' milliseconds')::interval
            WHERE loan_id = $1`,
          [row.loan_id, attempts, error ?? "awaiting the bank's confirmation", String(delayMs)],
        );
        await this.history(
          manager,
          row.loan_id,
          'paying',
          `attempt ${attempts}: ${error ?? 'pending at the bank'}; retry in ${delayMs} ms`,
        );
      }
      return true;
    });
  }

  /**
   * The daily merchant batch: for each merchant, the payables of installment purchases disbursed on
   * or before the date and not yet settled, net of merchant-paid fees, paid through the rail and
   * announced as merchant.settled. Idempotent per merchant and date.
   */
  async settleMerchants(businessDate: string): Promise<{
    businessDate: string;
    settlements: { settlementId: string; merchantId: string; amount: string; loans: number }[];
  }> {
    const settlements: {
      settlementId: string;
      merchantId: string;
      amount: string;
      loans: number;
    }[] = [];
    const merchants = await this.dataSource.query<{ merchant_id: string; currency: string }[]>(
      `SELECT DISTINCT merchant_id, currency FROM disbursements
        WHERE product = 'installment-purchase' AND state = 'disbursed' AND settlement_id IS NULL
          AND start_date <= $1 ORDER BY merchant_id LIMIT $2`,
      [businessDate, SettlementMerchantsMax],
    );
    for (const { merchant_id: merchantId, currency } of merchants) {
      const settlementId = `S-${merchantId}-${businessDate}-${currency}`;
      const done = await this.dataSource.transaction(async (manager) => {
        const loans = await manager.query<
          { loan_id: string; principal: string; merchant_fee: string | null }[]
        >(
          `SELECT loan_id, principal::text, merchant_fee::text FROM disbursements
            WHERE product = 'installment-purchase' AND state = 'disbursed' AND settlement_id IS NULL
              AND merchant_id = $1 AND currency = $2 AND start_date <= $3
            FOR UPDATE`,
          [merchantId, currency, businessDate],
        );
        if (loans.length === 0) return undefined;
        const amount = loans.reduce(
          (sum, l) =>
            sum
              .add(Money.of(l.principal, currency))
              .subtract(Money.of(l.merchant_fee ?? '0', currency)),
          Money.zero(currency),
        );
        if (!amount.isPositive()) return undefined;
        const outcome = await this.rail.pay({
          payoutId: `settlement:${settlementId}`,
          payee: `merchant:${merchantId}`,
          amount,
        });
        if (outcome !== 'succeeded') return undefined; // retried by the next batch run
        await manager.query(
          `INSERT INTO merchant_settlements (settlement_id, merchant_id, business_date, amount, currency, loans)
           VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
          [settlementId, merchantId, businessDate, amount.toString(), currency, loans.length],
        );
        await manager.query(`UPDATE disbursements SET settlement_id = $2 WHERE loan_id = ANY($1)`, [
          loans.map((l) => l.loan_id),
          settlementId,
        ]);
        await this.outbox.append(manager, {
          definition: MerchantSettledV1,
          key: merchantId,
          payload: { settlementId, merchantId, amount: amount.toJSON(), businessDate },
        });
        return { settlementId, merchantId, amount: amount.toString(), loans: loans.length };
      });
      if (done) settlements.push(done);
    }
    return { businessDate, settlements };
  }

  async get(loanId: string) {
    const [row] = await this.dataSource.query<DisbursementRow[]>(
      `SELECT ${Columns} FROM disbursements WHERE loan_id = $1`,
      [loanId],
    );
    if (!row)
      throw new DomainError(
        'DISBURSEMENT.NOT_FOUND',
        `disbursement ${loanId} does not exist`,
        'not-found',
      );
    const history = await this.dataSource.query<
      { state: string; detail: string | null; at: Date }[]
    >(`SELECT state, detail, at FROM disbursement_history WHERE loan_id = $1 ORDER BY seq`, [
      loanId,
    ]);
    return {
      loanId: row.loan_id,
      applicationId: row.application_id,
      customerId: row.customer_id,
      lineId: row.line_id,
      product: row.product,
      principal: Money.of(row.principal, row.currency).toString(),
      currency: row.currency,
      merchantId: row.merchant_id,
      merchantFee:
        row.merchant_fee === null ? null : Money.of(row.merchant_fee, row.currency).toString(),
      state: row.state,
      attempts: row.attempts,
      lastError: row.last_error,
      startDate: row.start_date,
      settlementId: row.settlement_id,
      history: history.map((h) => ({ state: h.state, detail: h.detail, at: h.at.toISOString() })),
    };
  }

  private loanCreated(
    loanId: string,
    decision: ApplicationDecidedV1Payload,
    principal: Money,
    merchantFee: Money | null,
  ): NewEvent<unknown> {
    const draw = decision.draw;
    if (!draw) throw new Error('invariant violated: loan.created without a draw');
    return {
      definition: LoanCreatedV1,
      key: loanId,
      payload: {
        loanId,
        applicationId: decision.applicationId,
        customerId: decision.customerId,
        lineId: draw.lineId,
        product: draw.product,
        principal: principal.toJSON(),
        merchantId: draw.merchantId,
        merchantFee: merchantFee?.toJSON() ?? null,
        pricing: draw.pricing,
        createdAt: new Date().toISOString(),
      },
    };
  }

  private async lockedRow(manager: EntityManager, loanId: string): Promise<DisbursementRow> {
    const [row] = await manager.query<DisbursementRow[]>(
      `SELECT ${Columns} FROM disbursements WHERE loan_id = $1 FOR UPDATE`,
      [loanId],
    );
    if (!row) throw new Error(`invariant violated: disbursement ${loanId} vanished`);
    return row;
  }

  private async markDisbursed(
    manager: EntityManager,
    row: DisbursementRow,
    detail: string,
  ): Promise<void> {
    // The money is out: the reserved limit becomes drawn.
    if (this.holds && row.line_hold_id) await this.holds.post(row.loan_id, row.line_hold_id);
    const startDate = todayUtc();
    const disbursedAt = new Date().toISOString();
    await manager.query(
      `UPDATE disbursements SET state = 'disbursed', attempts = $2, start_date = $3, disbursed_at = $4, last_error = NULL
        WHERE loan_id = $1`,
      [row.loan_id, row.attempts, startDate, disbursedAt],
    );
    await this.history(manager, row.loan_id, 'disbursed', detail);
    await this.outbox.append(manager, {
      definition: LoanDisbursedV1,
      key: row.loan_id,
      payload: {
        loanId: row.loan_id,
        customerId: row.customer_id,
        product: row.product,
        principal: Money.of(row.principal, row.currency).toJSON(),
        merchantId: row.merchant_id,
        merchantFee:
          row.merchant_fee === null ? null : Money.of(row.merchant_fee, row.currency).toJSON(),
        lineId: row.line_id,
        terms: { ...row.pricing, startDate },
        disbursedAt,
      },
    });
  }

  private async markFailed(
    manager: EntityManager,
    row: DisbursementRow,
    reason: string,
  ): Promise<void> {
    // Nothing went out: the limit comes back.
    if (this.holds && row.line_hold_id) await this.holds.void(row.loan_id, row.line_hold_id);
    await manager.query(
      `UPDATE disbursements SET state = 'failed', last_error = $2 WHERE loan_id = $1`,
      [row.loan_id, reason],
    );
    await this.history(manager, row.loan_id, 'failed', reason);
    await this.outbox.append(manager, {
      definition: DisbursementFailedV1,
      key: row.loan_id,
      payload: {
        loanId: row.loan_id,
        applicationId: row.application_id,
        customerId: row.customer_id,
        lineId: row.line_id,
        principal: Money.of(row.principal, row.currency).toJSON(),
        reason,
        failedAt: new Date().toISOString(),
      },
    });
  }

  private async history(
    manager: EntityManager,
    loanId: string,
    state: string,
    detail: string,
  ): Promise<void> {
    await manager.query(
      `INSERT INTO disbursement_history (loan_id, state, detail) VALUES ($1, $2, $3)`,
      [loanId, state, detail],
    );
  }
}
