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
import { DomainError, INSTANCE_ID, WakeSignal, notifyOnCommit } from '@credit/platform';
import {
  type PaymentRail,
  type PayoutStatus,
  loanPayoutReference,
  nextPayoutStep,
  settlementPayoutReference,
} from '../domain/payment-rail';
import type { LedgerHolds } from '../infrastructure/ledger-holds';
import { backoffDelayMs, invariant } from '@credit/kernel';

export const PAYMENT_RAIL = Symbol('PAYMENT_RAIL');
export const LEDGER_HOLDS = Symbol('LEDGER_HOLDS');

/** Payouts one pass handles at most before the worker looks again (a pass never runs forever). */
export const PayoutPassMax = 1_000;
/** Merchants settled per batch at most. */
export const SettlementMerchantsMax = 500;
/** Notified in the transaction that queues a payout: every instance's payout worker wakes on it. */
export const PayoutsDueChannel = 'payouts_due';
/** Longest backoff between two attempts of one payout: PAYOUT_BACKOFF_MS doubled at most 10 times. */
const BackoffDoublingsMax = 10;

/** The wait before the next attempt of a payout that has made `attempts` attempts. */
const payoutBackoffMs = (policy: PayoutPolicy, attempts: number) =>
  backoffDelayMs(
    { initialMs: policy.backoffMs, maxMs: policy.backoffMs * 2 ** BackoffDoublingsMax },
    attempts,
  );

/** Test seams that stand for a crash between the steps of a payout; production passes none. */
export interface PayoutFaults {
  /** After the line's hold was reserved (and recorded), before the rail is asked to pay. */
  afterHoldBeforeRail?: (loanId: string) => Promise<void> | void;
  /** After the rail answered, before its outcome is recorded. */
  afterRailBeforeRecord?: (loanId: string) => Promise<void> | void;
}

type AttemptOutcome = 'succeeded' | 'failed' | 'pending' | 'error' | 'unknown';

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
  state: 'created' | 'paying' | 'unconfirmed' | 'disbursed' | 'failed';
  attempts: number;
  last_error: string | null;
  start_date: string | null;
  created_at: Date;
  disbursed_at: Date | null;
  settlement_id: string | null;
  line_hold_id: string | null;
  payout_reference: string | null;
}

interface SettlementRow {
  settlement_id: string;
  merchant_id: string;
  business_date: string;
  amount: string;
  currency: string;
  loans: number;
}

export interface SettlementReport {
  settlementId: string;
  merchantId: string;
  amount: string;
  loans: number;
}

const Columns = `loan_id, application_id, customer_id, line_id, product, currency, principal::text, merchant_id,
  merchant_fee::text, pricing, state, attempts, last_error, to_char(start_date, 'YYYY-MM-DD') AS start_date,
  created_at, disbursed_at, settlement_id, line_hold_id, payout_reference`;

const todayUtc = () => new Date().toISOString().slice(0, 10);

export interface PayoutPolicy {
  readonly attemptsMax: number;
  readonly backoffMs: number;
  /** Payouts in flight at once in this instance. */
  readonly concurrency: number;
  /**
   * How long a claimed payout stays with its claimer: when it has not recorded an outcome by
   * then (it crashed), another slot or instance takes the payout again.
   */
  readonly leaseMs: number;
}

/**
 * Approved draw → loan created → paid out → loan.disbursed, or finally disbursement.failed.
 * An installment purchase is "paid" by booking the merchant payable (settled to the merchant in a
 * daily batch, net of a merchant-paid fee); a cash loan goes to the customer's bank through the rail.
 */
@Injectable()
export class DisbursementsService {
  /** Set by fault-injection tests only. */
  faults: PayoutFaults = {};
  /** Wakes the slots of a running payout pass (a payout queued, a slot done). */
  private readonly payoutWake = new WakeSignal();

  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxWriter,
    @Inject(PAYMENT_RAIL) private readonly rail: PaymentRail,
    @Inject(LEDGER_HOLDS) private readonly holds: LedgerHolds | null,
    @Inject(INSTANCE_ID) private readonly instanceId: string,
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
    const needsHold = this.holds !== null && draw.lineId !== null;
    if (draw.product === 'installment-purchase' && !needsHold) {
      // The goods are the disbursement: the merchant payable is booked now, cash goes in the batch.
      const row = await this.lockedRow(manager, loanId);
      await this.markDisbursed(manager, row, 'merchant payable booked; settled in the daily batch');
      return;
    }
    // The ledger's hold on the line and the payout itself are the payout worker's, outside this
    // transaction; this commit wakes it in every instance.
    await manager.query(`UPDATE disbursements SET state = 'paying' WHERE loan_id = $1`, [loanId]);
    await this.history(
      manager,
      loanId,
      'paying',
      needsHold
        ? 'payout queued; the line limit is reserved first'
        : 'payout to the customer queued',
    );
    await notifyOnCommit(manager, PayoutsDueChannel);
  }

  /**
   * One pass of the payout worker: pays due payouts, `concurrency` at a time in this instance
   * (every instance runs its own slots; claims never hand one payout to two). Returns how many
   * were handled and when the next one falls due (a retry after backoff, an expiring claim).
   */
  async payDue(policy: PayoutPolicy): Promise<{ handled: number; nextDueInMs: number | null }> {
    let handled = 0;
    let busy = 0;
    // A slot that finds nothing due waits while another slot is still paying: a payout queued
    // meanwhile (payoutsQueued) or a slot finishing wakes it, so a new payout never waits for the
    // slowest payout of the pass. The pass ends when no slot is paying and nothing is due.
    const slot = async () => {
      try {
        while (handled < PayoutPassMax) {
          const seen = this.payoutWake.generation;
          busy += 1;
          let paid: boolean;
          try {
            paid = await this.payOne(policy);
          } finally {
            busy -= 1;
          }
          if (paid) {
            handled += 1;
            this.payoutWake.notify();
            continue;
          }
          if (busy === 0) break;
          await this.payoutWake.waitAfter(seen);
        }
      } finally {
        // Ending (or failing), a slot wakes the others: they look again, and end if nobody pays.
        this.payoutWake.notify();
      }
    };
    // Every slot ends before the pass does (a failed slot must not outlive its pass).
    const slots = await Promise.allSettled(
      Array.from({ length: Math.max(1, policy.concurrency) }, slot),
    );
    const failed = slots.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    const [next] = await this.dataSource.query<{ ms: string | null }[]>(
      `SELECT ceil(extract(epoch FROM min(next_attempt_at) - now()) * 1000)::text AS ms
         FROM disbursements WHERE state IN ('paying', 'unconfirmed')`,
    );
    return { handled, nextDueInMs: next?.ms == null ? null : Math.max(0, Number(next.ms)) };
  }

  /**
   * Pays the next due payout, if any; false when none is due. Short transactions around the
   * external calls, none of which runs inside a transaction:
   * 1. claim (commit): attempts + 1, an attempt record, the lease in next_attempt_at;
   * 2. the line's hold in the ledger (key line-hold:<loanId>), recorded when new;
   * 3. the rail (idempotent by payout id) — cash loans only;
   * 4. the hold posted or voided in the ledger (keys line-hold:<loanId>:post / :void);
   * 5. the outcome recorded (commit), only while the claim is still this attempt's.
   * A crash anywhere leaves the claim to expire; the next attempt repeats the calls, which answer
   * from their keys: nothing is lost and nothing is paid twice.
   */
  /** A payout was queued (the NOTIFY of its commit): slots of a running pass look for it. */
  payoutsQueued(): void {
    this.payoutWake.notify();
  }

  async payOne(policy: PayoutPolicy): Promise<boolean> {
    const row = await this.claim(policy);
    if (!row) return false;
    const loanId = row.loan_id;
    const amount = Money.of(row.principal, row.currency);

    let holdId = row.line_hold_id;
    if (this.holds && row.line_id && !holdId) {
      let reserved: Awaited<ReturnType<LedgerHolds['reserve']>>;
      try {
        reserved = await this.holds.reserve(loanId, row.line_id, amount);
      } catch (error) {
        await this.retryLater(row, policy, 'error', `line hold: ${messageOf(error)}`);
        return true;
      }
      if ('overLimit' in reserved) {
        await this.record(row, 'failed', `over the line limit: ${reserved.overLimit}`, (m, r) =>
          this.markFailed(m, r, `over the line limit: ${reserved.overLimit}`),
        );
        return true;
      }
      holdId = reserved.holdId;
      const kept = await this.recordHold(row, holdId);
      if (!kept) return true;
    }
    await this.faults.afterHoldBeforeRail?.(loanId);

    const withHold = { ...row, line_hold_id: holdId };
    if (row.product === 'installment-purchase') {
      // The goods are the disbursement: the reserved limit becomes drawn, the payable is booked.
      await this.faults.afterRailBeforeRecord?.(loanId);
      const detail = 'merchant payable booked; settled in the daily batch';
      const hold = holdId;
      if (hold && !(await this.ledgerStep(row, policy, 'posting', (h) => h.post(loanId, hold))))
        return true;
      await this.record(withHold, 'succeeded', detail, (m, r) => this.markDisbursed(m, r, detail));
      return true;
    }

    // Unconfirmed: the bank may have paid; ask it by the reference before anything else.
    const reference = loanPayoutReference(loanId);
    let answer: PayoutStatus = 'not-received';
    let error: string | null = null;
    if (row.state === 'unconfirmed') {
      try {
        answer = await this.rail.status(reference);
      } catch (failure) {
        answer = 'unknown';
        error = `status enquiry: ${messageOf(failure)}`;
      }
    }
    if (nextPayoutStep(answer) === 'pay-again') {
      // Never sent, or the bank never received it: send it, by the same reference.
      try {
        answer = await this.rail.pay({
          reference,
          payee: `customer:${row.customer_id}`,
          amount,
        });
      } catch (failure) {
        answer = 'unknown';
        error = messageOf(failure);
      }
    }
    await this.faults.afterRailBeforeRecord?.(loanId);

    const step = nextPayoutStep(answer);
    if (step === 'book') {
      // The money is out: the reserved limit becomes drawn (before the record, by its key).
      const detail = `paid to customer:${row.customer_id} by ${reference} (attempt ${row.attempts})`;
      const hold = holdId;
      if (hold && !(await this.ledgerStep(row, policy, 'posting', (h) => h.post(loanId, hold))))
        return true;
      await this.record(withHold, 'succeeded', detail, (m, r) =>
        this.markDisbursed(m, { ...r, payout_reference: reference }, detail),
      );
    } else if (step === 'void') {
      // Only the bank's decline says nothing went out: the limit comes back (by its key).
      const reason = `the bank declined the payout ${reference}`;
      const hold = holdId;
      if (hold && !(await this.ledgerStep(row, policy, 'voiding', (h) => h.void(loanId, hold))))
        return true;
      await this.record(withHold, 'failed', reason, (m, r) =>
        this.markFailed(m, { ...r, payout_reference: reference }, reason),
      );
    } else {
      // Unknown (a timeout, a dropped connection, a 5xx, pending): the hold stays, ask again.
      await this.awaitConfirmation(row, policy, reference, error);
    }
    return true;
  }

  /** Calls the ledger about the line's hold; on failure the attempt is retried later (false). */
  private async ledgerStep(
    row: DisbursementRow,
    policy: PayoutPolicy,
    what: string,
    call: (holds: LedgerHolds) => Promise<void>,
  ): Promise<boolean> {
    if (!this.holds) return true;
    try {
      await call(this.holds);
      return true;
    } catch (failure) {
      await this.retryLater(row, policy, 'error', `${what} the line hold: ${messageOf(failure)}`);
      return false;
    }
  }

  /** Claims the next due payout (one short transaction); undefined when none is due. */
  private async claim(policy: PayoutPolicy): Promise<DisbursementRow | undefined> {
    return this.dataSource.transaction(async (manager) => {
      const [row] = await manager.query<DisbursementRow[]>(
        // (A data-modifying CTE: typeorm answers a bare UPDATE ... RETURNING as [rows, count].)
        `WITH claimed AS (
           UPDATE disbursements
              SET attempts = attempts + 1, claimed_by = $1,
                  next_attempt_at = now() + $2 * interval '1 millisecond'
            WHERE loan_id = (SELECT loan_id FROM disbursements
                              WHERE state IN ('paying', 'unconfirmed') AND next_attempt_at <= now()
                              ORDER BY next_attempt_at LIMIT 1 FOR UPDATE SKIP LOCKED)
            RETURNING *)
         SELECT ${Columns} FROM claimed`,
        [this.instanceId, policy.leaseMs],
      );
      if (!row) return undefined;
      await manager.query(
        `INSERT INTO payout_attempts (loan_id, attempt, instance) VALUES ($1, $2, $3)`,
        [row.loan_id, row.attempts, this.instanceId],
      );
      return row;
    });
  }

  /**
   * Runs `apply` on the payout's row locked in one transaction, with the attempt record finished,
   * if the claim is still this attempt's (another attempt took over after the lease expired, or
   * the payout is settled: then this outcome is dropped, the other attempt records the same).
   */
  private async record(
    claimed: DisbursementRow,
    outcome: AttemptOutcome,
    detail: string,
    apply: (manager: EntityManager, row: DisbursementRow) => Promise<void>,
  ): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      const [row] = await manager.query<DisbursementRow[]>(
        `SELECT ${Columns} FROM disbursements
          WHERE loan_id = $1 AND state IN ('paying', 'unconfirmed') AND attempts = $2 FOR UPDATE`,
        [claimed.loan_id, claimed.attempts],
      );
      if (!row) return false;
      await manager.query(
        `UPDATE payout_attempts SET finished_at = now(), outcome = $3, detail = $4
          WHERE loan_id = $1 AND attempt = $2`,
        [claimed.loan_id, claimed.attempts, outcome, detail.slice(0, 2000)],
      );
      await apply(manager, { ...row, line_hold_id: claimed.line_hold_id ?? row.line_hold_id });
      await manager.query(`UPDATE disbursements SET claimed_by = NULL WHERE loan_id = $1`, [
        claimed.loan_id,
      ]);
      return true;
    });
  }

  /** Keeps the reserved hold's id on the payout (the claim stays). False if the claim was lost. */
  private async recordHold(claimed: DisbursementRow, holdId: string): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      const updated = await manager.query<unknown[]>(
        `WITH kept AS (UPDATE disbursements SET line_hold_id = $3
                         WHERE loan_id = $1 AND state IN ('paying', 'unconfirmed') AND attempts = $2
                         RETURNING 1)
         SELECT * FROM kept`,
        [claimed.loan_id, claimed.attempts, holdId],
      );
      if (updated.length === 0) return false;
      await this.history(
        manager,
        claimed.loan_id,
        'limit-reserved',
        `hold on line ${claimed.line_id}`,
      );
      return true;
    });
  }

  /** Records the attempt as not final and schedules the next one after the backoff. */
  private async retryLater(
    claimed: DisbursementRow,
    policy: PayoutPolicy,
    outcome: 'pending' | 'error',
    reason: string,
  ): Promise<void> {
    const delayMs = payoutBackoffMs(policy, claimed.attempts);
    await this.record(claimed, outcome, reason, async (manager, row) => {
      await manager.query(
        `UPDATE disbursements SET last_error = $2, next_attempt_at = now() + $3 * interval '1 millisecond'
          WHERE loan_id = $1`,
        [row.loan_id, outcome === 'error' ? reason : "awaiting the bank's confirmation", delayMs],
      );
      await this.history(
        manager,
        row.loan_id,
        row.state,
        `attempt ${row.attempts}: ${reason}; retry in ${delayMs} ms`,
      );
    });
  }

  /**
   * The bank's answer is unknown: the payout is `unconfirmed`, keeps its hold, and the bank is asked
   * for its status by the reference after the backoff, however many attempts it takes (past
   * PAYOUT_ATTEMPTS_MAX it is flagged for an operator in last_error, never failed).
   */
  private async awaitConfirmation(
    claimed: DisbursementRow,
    policy: PayoutPolicy,
    reference: string,
    error: string | null,
  ): Promise<void> {
    const delayMs = payoutBackoffMs(policy, claimed.attempts);
    const reason = error ?? "the bank's answer is not known yet";
    const lastError =
      claimed.attempts >= policy.attemptsMax
        ? `unconfirmed after ${claimed.attempts} attempts: ${reason}; check ${reference} with the bank`
        : `awaiting the bank's confirmation of ${reference}: ${reason}`;
    await this.record(claimed, 'unknown', reason, async (manager, row) => {
      await manager.query(
        `UPDATE disbursements SET state = 'unconfirmed', payout_reference = $2, last_error = $3,
                next_attempt_at = now() + $4 * interval '1 millisecond'
          WHERE loan_id = $1`,
        [row.loan_id, reference, lastError, delayMs],
      );
      await this.history(
        manager,
        row.loan_id,
        'unconfirmed',
        `attempt ${row.attempts}: ${reason}; asking the bank about ${reference} in ${delayMs} ms`,
      );
    });
  }

  /**
   * The daily merchant batch: for each merchant, the payables of installment purchases disbursed on
   * or before the date and not yet settled, net of merchant-paid fees, paid through the rail and
   * announced as merchant.settled. Idempotent per merchant and date. No transaction is open while
   * the rail is called: a settlement is recorded `paying` with its loans and amount (commit), paid
   * (idempotent by settlement id), then marked `paid` with its event (commit); one left `paying`
   * (rail pending, crash) is paid again, same id and amount, by the next run.
   */
  async settleMerchants(businessDate: string): Promise<{
    businessDate: string;
    settlements: SettlementReport[];
  }> {
    const merchants = await this.dataSource.query<{ merchant_id: string; currency: string }[]>(
      `SELECT DISTINCT merchant_id, currency FROM disbursements
        WHERE product = 'installment-purchase' AND state = 'disbursed' AND settlement_id IS NULL
          AND start_date <= $1 ORDER BY merchant_id LIMIT $2`,
      [businessDate, SettlementMerchantsMax],
    );
    for (const { merchant_id: merchantId, currency } of merchants) {
      await this.openSettlement(merchantId, currency, businessDate);
    }
    const open = await this.dataSource.query<SettlementRow[]>(
      `SELECT settlement_id, merchant_id, to_char(business_date, 'YYYY-MM-DD') AS business_date,
              amount::text, currency, loans
         FROM merchant_settlements WHERE status = 'paying' ORDER BY settlement_id LIMIT $1`,
      [SettlementMerchantsMax],
    );
    const settlements: SettlementReport[] = [];
    for (const settlement of open) {
      const paid = await this.paySettlement(settlement);
      if (paid && settlement.business_date === businessDate) settlements.push(paid);
    }
    return { businessDate, settlements };
  }

  /** Records a merchant's settlement as `paying` with its loans (one transaction). */
  private async openSettlement(
    merchantId: string,
    currency: string,
    businessDate: string,
  ): Promise<void> {
    const settlementId = `S-${merchantId}-${businessDate}-${currency}`;
    await this.dataSource.transaction(async (manager) => {
      const loans = await manager.query<
        { loan_id: string; principal: string; merchant_fee: string | null }[]
      >(
        `SELECT loan_id, principal::text, merchant_fee::text FROM disbursements
          WHERE product = 'installment-purchase' AND state = 'disbursed' AND settlement_id IS NULL
            AND merchant_id = $1 AND currency = $2 AND start_date <= $3
          FOR UPDATE`,
        [merchantId, currency, businessDate],
      );
      if (loans.length === 0) return;
      const amount = loans.reduce(
        (sum, l) =>
          sum
            .add(Money.of(l.principal, currency))
            .subtract(Money.of(l.merchant_fee ?? '0', currency)),
        Money.zero(currency),
      );
      if (!amount.isPositive()) return;
      const inserted = await manager.query<unknown[]>(
        `INSERT INTO merchant_settlements (settlement_id, merchant_id, business_date, amount, currency, loans, status)
         VALUES ($1, $2, $3, $4, $5, $6, 'paying') ON CONFLICT DO NOTHING RETURNING 1`,
        [settlementId, merchantId, businessDate, amount.toString(), currency, loans.length],
      );
      // This merchant and date are settled already: later loans go in a later date's batch.
      if (inserted.length === 0) return;
      await manager.query(`UPDATE disbursements SET settlement_id = $2 WHERE loan_id = ANY($1)`, [
        loans.map((l) => l.loan_id),
        settlementId,
      ]);
    });
  }

  /** Pays a `paying` settlement through the rail, then marks it paid with its event. */
  private async paySettlement(settlement: SettlementRow): Promise<SettlementReport | undefined> {
    const amount = Money.of(settlement.amount, settlement.currency);
    // Idempotent by the settlement's reference: paying a `paying` settlement again never pays twice.
    const outcome = await this.rail.pay({
      reference: settlementPayoutReference(settlement.settlement_id),
      payee: `merchant:${settlement.merchant_id}`,
      amount,
    });
    if (outcome !== 'paid') return undefined; // asked again by the next batch run
    return this.dataSource.transaction(async (manager) => {
      const marked = await manager.query<unknown[]>(
        `WITH marked AS (UPDATE merchant_settlements SET status = 'paid'
                           WHERE settlement_id = $1 AND status = 'paying' RETURNING 1)
         SELECT * FROM marked`,
        [settlement.settlement_id],
      );
      if (marked.length === 0) return undefined;
      await this.outbox.append(manager, {
        definition: MerchantSettledV1,
        key: settlement.merchant_id,
        cause: { source: 'merchant-settlement', id: settlement.settlement_id },
        payload: {
          settlementId: settlement.settlement_id,
          merchantId: settlement.merchant_id,
          amount: amount.toJSON(),
          businessDate: settlement.business_date,
        },
      });
      return {
        settlementId: settlement.settlement_id,
        merchantId: settlement.merchant_id,
        amount: amount.toString(),
        loans: settlement.loans,
      };
    });
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
      payoutReference: row.payout_reference,
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
    invariant(draw, 'loan.created without a draw');
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
    invariant(row, `disbursement ${loanId} vanished`);
    return row;
  }

  private async markDisbursed(
    manager: EntityManager,
    row: DisbursementRow,
    detail: string,
  ): Promise<void> {
    const startDate = todayUtc();
    const disbursedAt = new Date().toISOString();
    await manager.query(
      `UPDATE disbursements SET state = 'disbursed', attempts = $2, start_date = $3, disbursed_at = $4,
              last_error = NULL, payout_reference = $5
        WHERE loan_id = $1`,
      [row.loan_id, row.attempts, startDate, disbursedAt, row.payout_reference],
    );
    await this.history(manager, row.loan_id, 'disbursed', detail);
    await this.outbox.append(manager, {
      definition: LoanDisbursedV1,
      key: row.loan_id,
      // A loan is disbursed once: its id names the event, so a rebuild publishes the same id.
      cause: { source: 'payout', id: row.loan_id },
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
    await manager.query(
      `UPDATE disbursements SET state = 'failed', last_error = $2, payout_reference = $3
        WHERE loan_id = $1`,
      [row.loan_id, reason, row.payout_reference],
    );
    await this.history(manager, row.loan_id, 'failed', reason);
    await this.outbox.append(manager, {
      definition: DisbursementFailedV1,
      key: row.loan_id,
      cause: { source: 'payout', id: row.loan_id },
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

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
