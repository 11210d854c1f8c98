import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import {
  type ApplicationDecidedV1Payload,
  DisbursementFailedV1,
  type EventDefinition,
  type EventEnvelope,
  LoanCreatedV1,
  LoanDisbursedV1,
  MerchantSettledV1,
  type PayloadOf,
} from '@credit/contracts';
import { invariant, systemActor } from '@credit/kernel';
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
import {
  MerchantPayableBooked,
  type Payout,
  type PayoutState,
  canMove,
  firstStep,
  merchantFeeOf,
  retryDelayMs,
  settlementAmount,
  settlementIdOf,
  unconfirmedNote,
} from '../domain/payout';
import {
  DisbursementStore,
  type SettlementRow,
  payoutOf,
} from '../infrastructure/disbursement-store';
import type { LedgerHolds } from '../infrastructure/ledger-holds';

export const PAYMENT_RAIL = Symbol('PAYMENT_RAIL');
export const LEDGER_HOLDS = Symbol('LEDGER_HOLDS');

/** Payouts one pass handles at most before the worker looks again (a pass never runs forever). */
export const PayoutPassMax = 1_000;
/** Merchants settled per batch at most. */
export const SettlementMerchantsMax = 500;
/** Notified in the transaction that queues a payout: every instance's payout worker wakes on it. */
export const PayoutsDueChannel = 'payouts_due';

/** Test seams that stand for a crash between the steps of a payout; production passes none. */
export interface PayoutFaults {
  /** After the line's hold was reserved (and recorded), before the rail is asked to pay. */
  afterHoldBeforeRail?: (loanId: string) => Promise<void> | void;
  /** After the rail answered, before its outcome is recorded. */
  afterRailBeforeRecord?: (loanId: string) => Promise<void> | void;
}

type AttemptOutcome = 'succeeded' | 'failed' | 'pending' | 'error' | 'unknown';

export interface SettlementReport {
  settlementId: string;
  merchantId: string;
  amount: string;
  loans: number;
  /** Who opened the settlement (an earlier run's caller when a `paying` one is paid again). */
  openedBy: string;
  /** Who paid it: this run's caller. */
  paidBy: string;
}

/** The actor of the disbursement service's own writes (the daily settlement and reconciliation). */
export const DisbursementSystemActor = systemActor('disbursement');

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
 * The rules (states, fees, backoff, settlement amounts) are in domain/payout; the SQL in
 * infrastructure/disbursement-store; this service orders the steps around the external calls.
 */
@Injectable()
export class DisbursementsService {
  /** Set by fault-injection tests only. */
  faults: PayoutFaults = {};
  /** Wakes the slots of a running payout pass (a payout queued, a slot done). */
  private readonly payoutWake = new WakeSignal();
  private readonly store = new DisbursementStore();

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
    if (await this.store.existsForApplication(manager, decision.applicationId)) return;
    const principal = Money.fromJSON(draw.amount);
    const payout: Payout = {
      loanId: `L-${decision.applicationId}`,
      applicationId: decision.applicationId,
      customerId: decision.customerId,
      lineId: draw.lineId,
      product: draw.product,
      principal,
      merchantId: draw.merchantId,
      merchantFee: merchantFeeOf(
        {
          product: draw.product,
          principal,
          pricing: draw.pricing,
          merchantFee: draw.merchantFee ? Money.fromJSON(draw.merchantFee) : null,
        },
        todayUtc(),
      ),
      pricing: draw.pricing,
      state: 'created',
      attempts: 0,
      lineHoldId: null,
      payoutReference: null,
    };
    await this.store.insertCreated(manager, payout);
    await this.store.appendHistory(
      manager,
      payout.loanId,
      'created',
      `approved application ${decision.applicationId}`,
    );
    await this.outbox.append(manager, loanCreated(payout));
    const step = firstStep(draw.product, this.holds !== null && draw.lineId !== null);
    if (step.next === 'disbursed') {
      // The goods are the disbursement: the merchant payable is booked now, cash goes in the batch.
      const row = await this.store.lock(manager, payout.loanId);
      invariant(row, `disbursement ${payout.loanId} vanished`);
      await this.markDisbursed(manager, payoutOf(row), step.detail);
      return;
    }
    // The ledger's hold on the line and the payout itself are the payout worker's, outside this
    // transaction; this commit wakes it in every instance.
    await this.store.markPaying(manager, payout.loanId);
    await this.store.appendHistory(manager, payout.loanId, 'paying', step.detail);
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
    return { handled, nextDueInMs: await this.store.nextDueInMs(this.dataSource.manager) };
  }

  /** A payout was queued (the NOTIFY of its commit): slots of a running pass look for it. */
  payoutsQueued(): void {
    this.payoutWake.notify();
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
  async payOne(policy: PayoutPolicy): Promise<boolean> {
    const claimedRow = await this.dataSource.transaction((manager) =>
      this.store.claimNextDue(manager, this.instanceId, policy.leaseMs),
    );
    if (!claimedRow) return false;
    const claimed = payoutOf(claimedRow);
    const { loanId, principal: amount } = claimed;

    let holdId = claimed.lineHoldId;
    if (this.holds && claimed.lineId && !holdId) {
      let reserved: Awaited<ReturnType<LedgerHolds['reserve']>>;
      try {
        reserved = await this.holds.reserve(loanId, claimed.lineId, amount);
      } catch (error) {
        await this.retryLater(claimed, policy, 'error', `line hold: ${messageOf(error)}`);
        return true;
      }
      if ('overLimit' in reserved) {
        const reason = `over the line limit: ${reserved.overLimit}`;
        await this.record(claimed, 'failed', reason, (m, p) => this.markFailed(m, p, reason));
        return true;
      }
      holdId = reserved.holdId;
      const kept = await this.recordHold(claimed, holdId);
      if (!kept) return true;
    }
    await this.faults.afterHoldBeforeRail?.(loanId);

    const withHold: Payout = { ...claimed, lineHoldId: holdId };
    if (claimed.product === 'installment-purchase') {
      // The goods are the disbursement: the reserved limit becomes drawn, the payable is booked.
      await this.faults.afterRailBeforeRecord?.(loanId);
      const hold = holdId;
      if (hold && !(await this.ledgerStep(claimed, policy, 'posting', (h) => h.post(loanId, hold))))
        return true;
      await this.record(withHold, 'succeeded', MerchantPayableBooked, (m, p) =>
        this.markDisbursed(m, p, MerchantPayableBooked),
      );
      return true;
    }

    // Unconfirmed: the bank may have paid; ask it by the reference before anything else.
    const reference = loanPayoutReference(loanId);
    let answer: PayoutStatus = 'not-received';
    let error: string | null = null;
    if (claimed.state === 'unconfirmed') {
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
          payee: `customer:${claimed.customerId}`,
          amount,
        });
      } catch (failure) {
        answer = 'unknown';
        error = messageOf(failure);
      }
    }
    await this.faults.afterRailBeforeRecord?.(loanId);

    const step = nextPayoutStep(answer);
    const hold = holdId;
    if (step === 'book') {
      // The money is out: the reserved limit becomes drawn (before the record, by its key).
      const detail = `paid to customer:${claimed.customerId} by ${reference} (attempt ${claimed.attempts})`;
      if (hold && !(await this.ledgerStep(claimed, policy, 'posting', (h) => h.post(loanId, hold))))
        return true;
      await this.record(withHold, 'succeeded', detail, (m, p) =>
        this.markDisbursed(m, { ...p, payoutReference: reference }, detail),
      );
    } else if (step === 'void') {
      // Only the bank's decline says nothing went out: the limit comes back (by its key).
      const reason = `the bank declined the payout ${reference}`;
      if (hold && !(await this.ledgerStep(claimed, policy, 'voiding', (h) => h.void(loanId, hold))))
        return true;
      await this.record(withHold, 'failed', reason, (m, p) =>
        this.markFailed(m, { ...p, payoutReference: reference }, reason),
      );
    } else {
      // Unknown (a timeout, a dropped connection, a 5xx, pending): the hold stays, ask again.
      await this.awaitConfirmation(claimed, policy, reference, error);
    }
    return true;
  }

  /** Calls the ledger about the line's hold; on failure the attempt is retried later (false). */
  private async ledgerStep(
    claimed: Payout,
    policy: PayoutPolicy,
    what: string,
    call: (holds: LedgerHolds) => Promise<void>,
  ): Promise<boolean> {
    if (!this.holds) return true;
    try {
      await call(this.holds);
      return true;
    } catch (failure) {
      await this.retryLater(
        claimed,
        policy,
        'error',
        `${what} the line hold: ${messageOf(failure)}`,
      );
      return false;
    }
  }

  /**
   * Runs `apply` on the payout locked in one transaction, with the attempt record finished, if the
   * claim is still this attempt's (another attempt took over after the lease expired, or the
   * payout is settled: then this outcome is dropped, the other attempt records the same).
   */
  private async record(
    claimed: Payout,
    outcome: AttemptOutcome,
    detail: string,
    apply: (manager: EntityManager, payout: Payout) => Promise<void>,
  ): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      const row = await this.store.lockClaimed(manager, claimed.loanId, claimed.attempts);
      if (!row) return false;
      await this.store.finishAttempt(manager, claimed.loanId, claimed.attempts, outcome, detail);
      const current = payoutOf(row);
      await apply(manager, { ...current, lineHoldId: claimed.lineHoldId ?? current.lineHoldId });
      await this.store.releaseClaim(manager, claimed.loanId);
      return true;
    });
  }

  /** Keeps the reserved hold's id on the payout (the claim stays). False if the claim was lost. */
  private async recordHold(claimed: Payout, holdId: string): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      if (!(await this.store.keepHold(manager, claimed.loanId, claimed.attempts, holdId))) {
        return false;
      }
      await this.store.appendHistory(
        manager,
        claimed.loanId,
        'limit-reserved',
        `hold on line ${claimed.lineId}`,
      );
      return true;
    });
  }

  /** Records the attempt as not final and schedules the next one after the backoff. */
  private async retryLater(
    claimed: Payout,
    policy: PayoutPolicy,
    outcome: 'pending' | 'error',
    reason: string,
  ): Promise<void> {
    const delayMs = retryDelayMs(policy.backoffMs, claimed.attempts);
    await this.record(claimed, outcome, reason, async (manager, payout) => {
      const note = outcome === 'error' ? reason : "awaiting the bank's confirmation";
      await this.store.scheduleRetry(manager, payout.loanId, note, delayMs);
      await this.store.appendHistory(
        manager,
        payout.loanId,
        payout.state,
        `attempt ${payout.attempts}: ${reason}; retry in ${delayMs} ms`,
      );
    });
  }

  /**
   * The bank's answer is unknown: the payout is `unconfirmed`, keeps its hold, and the bank is asked
   * for its status by the reference after the backoff, however many attempts it takes (past
   * PAYOUT_ATTEMPTS_MAX it is flagged for an operator in last_error, never failed).
   */
  private async awaitConfirmation(
    claimed: Payout,
    policy: PayoutPolicy,
    reference: string,
    error: string | null,
  ): Promise<void> {
    const delayMs = retryDelayMs(policy.backoffMs, claimed.attempts);
    const reason = error ?? "the bank's answer is not known yet";
    const note = unconfirmedNote(claimed.attempts, policy.attemptsMax, reference, reason);
    await this.record(claimed, 'unknown', reason, async (manager, payout) => {
      mustMove(payout, 'unconfirmed');
      await this.store.markUnconfirmed(manager, payout.loanId, reference, note, delayMs);
      await this.store.appendHistory(
        manager,
        payout.loanId,
        'unconfirmed',
        `attempt ${payout.attempts}: ${reason}; asking the bank about ${reference} in ${delayMs} ms`,
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
  async settleMerchants(
    businessDate: string,
    actor: string,
  ): Promise<{
    businessDate: string;
    settlements: SettlementReport[];
  }> {
    const { manager } = this.dataSource;
    const merchants = await this.store.merchantsToSettle(
      manager,
      businessDate,
      SettlementMerchantsMax,
    );
    for (const { merchant_id: merchantId, currency } of merchants) {
      await this.openSettlement(merchantId, currency, businessDate, actor);
    }
    const open = await this.store.openSettlements(manager, SettlementMerchantsMax);
    const settlements: SettlementReport[] = [];
    for (const settlement of open) {
      const paid = await this.paySettlement(settlement, actor);
      if (paid && settlement.business_date === businessDate) settlements.push(paid);
    }
    return { businessDate, settlements };
  }

  /** Records a merchant's settlement as `paying` with its loans, opened by `actor` (one transaction). */
  private async openSettlement(
    merchantId: string,
    currency: string,
    businessDate: string,
    actor: string,
  ): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const loans = await this.store.lockUnsettled(manager, merchantId, currency, businessDate);
      if (loans.length === 0) return;
      const amount = settlementAmount(loans, currency);
      if (!amount.isPositive()) return;
      // False when this merchant and date are settled already: later loans go in a later batch.
      await this.store.openSettlement(
        manager,
        {
          settlement_id: settlementIdOf(merchantId, businessDate, currency),
          merchant_id: merchantId,
          business_date: businessDate,
          amount: amount.toString(),
          currency,
          opened_by: actor,
        },
        loans.map((loan) => loan.loanId),
      );
    });
  }

  /** Pays a `paying` settlement through the rail, then marks it paid by `actor` with its event. */
  private async paySettlement(
    settlement: SettlementRow,
    actor: string,
  ): Promise<SettlementReport | undefined> {
    const amount = Money.of(settlement.amount, settlement.currency);
    // Idempotent by the settlement's reference: paying a `paying` settlement again never pays twice.
    const outcome = await this.rail.pay({
      reference: settlementPayoutReference(settlement.settlement_id),
      payee: `merchant:${settlement.merchant_id}`,
      amount,
    });
    if (outcome !== 'paid') return undefined; // asked again by the next batch run
    return this.dataSource.transaction(async (manager) => {
      if (!(await this.store.markSettlementPaid(manager, settlement.settlement_id, actor))) {
        return undefined;
      }
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
        openedBy: settlement.opened_by,
        paidBy: actor,
      };
    });
  }

  async get(loanId: string) {
    const { manager } = this.dataSource;
    const row = await this.store.find(manager, loanId);
    if (!row)
      throw new DomainError(
        'DISBURSEMENT.NOT_FOUND',
        `disbursement ${loanId} does not exist`,
        'not-found',
      );
    const history = await this.store.history(manager, loanId);
    const { applicationId, customerId, lineId, product, principal, merchantId, merchantFee } =
      payoutOf(row);
    return {
      loanId,
      applicationId,
      customerId,
      lineId,
      product,
      principal: principal.toString(),
      currency: principal.currency,
      merchantId,
      merchantFee: merchantFee?.toString() ?? null,
      state: row.state,
      attempts: row.attempts,
      lastError: row.last_error,
      startDate: row.start_date,
      settlementId: row.settlement_id,
      payoutReference: row.payout_reference,
      history: history.map((h) => ({ state: h.state, detail: h.detail, at: h.at.toISOString() })),
    };
  }

  private async markDisbursed(
    manager: EntityManager,
    payout: Payout,
    detail: string,
  ): Promise<void> {
    mustMove(payout, 'disbursed');
    const startDate = todayUtc();
    const disbursedAt = new Date().toISOString();
    await this.store.markDisbursed(manager, payout, startDate, disbursedAt);
    await this.store.appendHistory(manager, payout.loanId, 'disbursed', detail);
    await this.announce(manager, payout, LoanDisbursedV1, {
      loanId: payout.loanId,
      customerId: payout.customerId,
      product: payout.product,
      principal: payout.principal.toJSON(),
      merchantId: payout.merchantId,
      merchantFee: payout.merchantFee?.toJSON() ?? null,
      lineId: payout.lineId,
      terms: { ...payout.pricing, startDate },
      disbursedAt,
    });
  }

  private async markFailed(manager: EntityManager, payout: Payout, reason: string): Promise<void> {
    mustMove(payout, 'failed');
    await this.store.markFailed(manager, payout, reason);
    await this.store.appendHistory(manager, payout.loanId, 'failed', reason);
    await this.announce(manager, payout, DisbursementFailedV1, {
      loanId: payout.loanId,
      applicationId: payout.applicationId,
      customerId: payout.customerId,
      lineId: payout.lineId,
      principal: payout.principal.toJSON(),
      reason,
      failedAt: new Date().toISOString(),
    });
  }

  /**
   * The payout's outcome (disbursed or failed) to the outbox. A loan's payout ends once: its id
   * names the event, so a rebuild publishes the same id.
   */
  private async announce<D extends EventDefinition>(
    manager: EntityManager,
    payout: Payout,
    definition: D,
    payload: PayloadOf<D>,
  ): Promise<void> {
    await this.outbox.append(manager, {
      definition,
      key: payout.loanId,
      cause: { source: 'payout', id: payout.loanId },
      payload,
    });
  }
}

/** The loan.created event of a new disbursement. */
function loanCreated(payout: Payout): NewEvent<unknown> {
  return {
    definition: LoanCreatedV1,
    key: payout.loanId,
    payload: {
      loanId: payout.loanId,
      applicationId: payout.applicationId,
      customerId: payout.customerId,
      lineId: payout.lineId,
      product: payout.product,
      principal: payout.principal.toJSON(),
      merchantId: payout.merchantId,
      merchantFee: payout.merchantFee?.toJSON() ?? null,
      pricing: payout.pricing,
      createdAt: new Date().toISOString(),
    },
  };
}

/** A payout only moves along its state machine: anything else is corrupt state. */
function mustMove(payout: Payout, to: PayoutState): void {
  invariant(
    canMove(payout.state, to),
    `payout ${payout.loanId} cannot go from ${payout.state} to ${to}`,
  );
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
