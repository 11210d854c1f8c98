import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import {
  type EventEnvelope,
  type LoanDisbursedV1Payload,
  RecoveryReceivedV1,
  RepaymentAllocatedV1,
  ScheduleCreatedV1,
} from '@credit/contracts';
import { legacyJsonRequestHash, requestHash as repaymentRequestHash } from '@credit/kernel';
import { type IsoDate, compareIsoDates, isIsoDate } from '@credit/lending-math';
import { type NewEvent, OutboxWriter } from '@credit/messaging';
import { Money, isMoneyError } from '@credit/money';
import {
  DomainError,
  PLATFORM_CONFIG,
  type Principal,
  customerScopeOf,
  mayAccessCustomer,
} from '@credit/platform';
import {
  type LoanPolicy,
  type LoanState,
  closeThrough,
  openLoan,
  outstanding,
  payoffAmount,
  receivePayment,
} from '../domain/loan';
import { scheduleFor } from '../domain/schedule';
import type { RepaymentConfig } from '../config/env';
import {
  businessDateWithinHorizon,
  currentBusinessDate,
  lastClosedBusinessDate,
} from '../infrastructure/business-calendar';
import { publishLoanEvents } from '../infrastructure/loan-events';
import { LoanChangelog } from '../infrastructure/loan-changelog';
import { LoanStore } from '../infrastructure/loan-store';
import { insertRepayment, repaymentKeys } from '../infrastructure/repayment-keys';
import { loanView } from './loan-view';
import type { RepaymentRequest, RepaymentView } from '@credit/api';

export type { RepaymentView };

export interface RepaymentRow {
  id: string;
  loan_id: string;
  request_hash: string;
  amount: string;
  currency: string;
  business_date: string;
  allocation: RepaymentView['allocation'] & { payoff: boolean; loanStatus: string };
}

@Injectable()
export class LoansService {
  private readonly policy: LoanPolicy;

  constructor(
    private readonly dataSource: DataSource,
    private readonly store: LoanStore,
    private readonly outbox: OutboxWriter,
    private readonly changelog: LoanChangelog,
    @Inject(PLATFORM_CONFIG) config: RepaymentConfig,
  ) {
    this.policy = { chargeOffDpd: config.CHARGE_OFF_DPD };
  }

  /** loan.disbursed → the loan and its schedule, announced with schedule.created. */
  async onDisbursed(
    event: EventEnvelope<LoanDisbursedV1Payload>,
    manager: EntityManager,
  ): Promise<void> {
    const payload = event.payload;
    const existing = await this.store.find(manager, payload.loanId, false);
    if (existing) return; // the same loan from a second disbursement event: nothing new
    // The disbursement dates a loan by the wall clock, but business time may be ahead of it (a
    // date closed early, or tests closing future dates). A loan cannot start on a date already
    // closed: it would be born with days nobody closed for it, overdue at its first catch-up.
    // It starts on the current business date instead.
    const lastClosed = await lastClosedBusinessDate(manager);
    const startDate =
      lastClosed !== null && compareIsoDates(payload.terms.startDate, lastClosed) <= 0
        ? await currentBusinessDate(manager)
        : payload.terms.startDate;
    const loan = openLoan({
      id: payload.loanId,
      customerId: payload.customerId,
      lineId: payload.lineId,
      product: payload.product,
      principal: Money.fromJSON(payload.principal),
      terms: { ...payload.terms, startDate },
    });
    await this.store.insert(manager, loan, event.eventId);
    const schedule = scheduleFor(loan.terms, loan.principal);
    await this.outbox.append(manager, {
      definition: ScheduleCreatedV1,
      key: loan.id,
      payload: {
        loanId: loan.id,
        customerId: loan.customerId,
        installments: loan.installments.map((i) => ({
          period: i.period,
          dueDate: i.dueDate,
          principal: i.principalDue.toJSON(),
          interest: i.interestDue.toJSON(),
          fee: i.feeDue.toJSON(),
          total: i.principalDue.add(i.interestDue).add(i.feeDue).toJSON(),
        })),
        totals: {
          principal: schedule.totals.principal.toJSON(),
          interest: schedule.totals.interest.toJSON(),
          fee: loan.installments
            .reduce((sum, i) => sum.add(i.feeDue), Money.zero(loan.currency))
            .toJSON(),
          total: loan.installments
            .reduce(
              (sum, i) => sum.add(i.principalDue).add(i.interestDue).add(i.feeDue),
              Money.zero(loan.currency),
            )
            .toJSON(),
        },
        apr: loan.apr,
      },
    });
    await this.changelog.record(manager, loan.id);
  }

  /** The loan as of the current business date (catch-up simulated in memory, nothing written). */
  async view(loanId: string, caller: Principal | undefined) {
    const manager = this.dataSource.manager;
    const loan = await this.require(manager, loanId, false, caller);
    const today = await currentBusinessDate(manager);
    const asOf = compareIsoDates(today, loan.processedThrough) > 0 ? today : loan.processedThrough;
    return loanView(closeThrough(loan, asOf, this.policy).loan, asOf);
  }

  async payoffQuote(loanId: string, date: string | undefined, caller: Principal | undefined) {
    const manager = this.dataSource.manager;
    const loan = await this.require(manager, loanId, false, caller);
    const today = await currentBusinessDate(manager);
    const on = date ?? today;
    if (!isIsoDate(on))
      throw new DomainError(
        'VALIDATION.FAILED',
        'date must be a date such as 2026-12-31',
        'invalid',
        { fields: [{ field: 'date', problems: ['must be a date such as 2026-12-31'] }] },
      );
    await businessDateWithinHorizon(manager, 'date', on);
    if (compareIsoDates(on, today) < 0 || compareIsoDates(on, loan.processedThrough) < 0) {
      throw new DomainError(
        'VALIDATION.FAILED',
        `date must not be before the current business date ${today}`,
        'invalid',
        {
          fields: [{ field: 'date', problems: [`must not be before ${today}`] }],
        },
      );
    }
    if (loan.status !== 'active')
      throw new DomainError(
        'REPAYMENT.LOAN_CLOSED',
        `loan ${loanId} is ${loan.status}`,
        'conflict',
      );
    const projected = closeThrough(loan, on, this.policy).loan;
    const owed = outstanding(projected);
    return {
      loanId,
      date: on,
      currency: loan.currency,
      principal: owed.principal.toString(),
      interest: owed.interest.toString(),
      fee: owed.fee.toString(),
      penalty: owed.penalty.toString(),
      total: payoffAmount(projected).toString(),
      note: 'no prepayment fee; interest not yet earned and fees not yet charged are waived',
    };
  }

  async repay(
    loanId: string,
    idempotencyKey: string,
    dto: RepaymentRequest,
    caller: Principal | undefined,
  ): Promise<{ repayment: RepaymentView; replayed: boolean }> {
    let amount: Money;
    try {
      amount = Money.of(dto.amount, dto.currency);
    } catch (error) {
      if (isMoneyError(error)) {
        throw new DomainError('VALIDATION.FAILED', `amount: ${error.message}`, 'invalid', {
          fields: [{ field: 'amount', problems: [error.message] }],
        });
      }
      throw error;
    }
    if (!amount.isPositive()) {
      throw new DomainError('VALIDATION.FAILED', 'amount must be greater than zero', 'invalid', {
        fields: [{ field: 'amount', problems: ['must be greater than zero'] }],
      });
    }
    const request = { loanId, amount: amount.toString(), currency: amount.currency };
    const requestHash = repaymentRequestHash(request);
    return this.dataSource.transaction(async (manager) => {
      // The loan's row lock serialises its repayments, so the key check below cannot race. The
      // caller's ownership is checked first: a replay answers only on the caller's own loan (the
      // request hash holds the loan id, so a key used on another loan is a conflict, never its
      // answer).
      const loan = await this.require(manager, loanId, true, caller);
      const recorded = await repaymentKeys.find(manager, idempotencyKey);
      const previous =
        recorded &&
        repaymentKeys.decide(
          idempotencyKey,
          recorded,
          [requestHash, legacyJsonRequestHash(request)],
          {
            code: 'REPAYMENT.IDEMPOTENCY_CONFLICT',
            resource: 'another repayment',
            // A key used on another loan may be another customer's: not named to a customer.
            conceal: customerScopeOf(caller) !== undefined && recorded.loan_id !== loanId,
          },
        );
      if (previous) return { repayment: this.repaymentView(previous), replayed: true };
      const date = await currentBusinessDate(manager);
      const outcome = receivePayment(loan, amount, date, this.policy);
      const repaymentId = randomUUID();
      const receivedAt = new Date().toISOString();
      const zero = Money.zero(loan.currency).toString();
      // The catch-up (accrual for the days not yet closed) is booked before the payment.
      if (outcome.caughtUp) {
        const { loan: caughtUp, events } = outcome.caughtUp;
        await publishLoanEvents(manager, this.outbox, caughtUp, events);
        await this.store.save(manager, caughtUp);
      }
      const cause = { source: 'repayment', id: repaymentId };
      let allocation: RepaymentRow['allocation'];
      let announced: NewEvent<unknown>;
      if (outcome.kind === 'recovery') {
        // After charge-off every payment is a recovery: the ledger books it as recovery income.
        allocation = {
          penalty: zero,
          interest: zero,
          fee: zero,
          principal: zero,
          overpayment: zero,
          recovery: amount.toString(),
          payoff: false,
          loanStatus: outcome.loan.status,
        };
        announced = {
          definition: RecoveryReceivedV1,
          key: loanId,
          cause,
          payload: {
            recoveryId: repaymentId,
            loanId,
            customerId: loan.customerId,
            amount: amount.toJSON(),
            receivedAt,
          },
        };
      } else {
        const { result } = outcome;
        await this.store.save(manager, result.loan);
        const a = result.allocation;
        allocation = {
          penalty: a.penalty.toString(),
          interest: a.interest.toString(),
          fee: a.fee.toString(),
          principal: a.principal.toString(),
          overpayment: a.overpayment.toString(),
          recovery: zero,
          payoff: result.payoff,
          loanStatus: result.loan.status,
        };
        announced = {
          definition: RepaymentAllocatedV1,
          key: loanId,
          cause,
          payload: {
            repaymentId,
            loanId,
            customerId: loan.customerId,
            lineId: loan.lineId,
            amount: amount.toJSON(),
            allocation: {
              penalty: a.penalty.toJSON(),
              interest: a.interest.toJSON(),
              fee: a.fee.toJSON(),
              principal: a.principal.toJSON(),
              overpayment: a.overpayment.toJSON(),
            },
            receivedAt,
          },
        };
      }
      const repayment = await this.insertRepayment(
        manager,
        repaymentId,
        loanId,
        idempotencyKey,
        requestHash,
        amount,
        date,
        allocation,
      );
      await this.outbox.append(manager, announced);
      await this.changelog.record(manager, loanId);
      return { repayment, replayed: false };
    });
  }

  /** The receivables the ledger should carry per loan, a page at a time (for reconciliation). */
  async receivables(cursor: string | null, limit: number) {
    const rows = await this.store.receivablesPage(this.dataSource.manager, cursor, limit + 1);
    const page = rows.slice(0, limit);
    return {
      loans: page.map((row) => {
        const amount = (value: string) =>
          row.status === 'charged-off'
            ? Money.zero(row.currency).toString()
            : Money.of(value, row.currency).toString();
        return {
          loanId: row.id,
          status: row.status,
          currency: row.currency,
          receivables: {
            principal: amount(row.principal),
            interest: amount(row.interest),
            fee: amount(row.fee),
            penalty: amount(row.penalty),
          },
        };
      }),
      nextCursor: rows.length > limit ? (page.at(-1)?.id ?? null) : null,
    };
  }

  /** Closes one loan through `date` in its own transaction; returns how many events it produced. */
  async closeLoan(loanId: string, date: IsoDate): Promise<Record<string, number>> {
    return this.dataSource.transaction(async (manager) => {
      const loan = await this.store.find(manager, loanId, true);
      if (!loan || loan.status !== 'active' || compareIsoDates(loan.processedThrough, date) >= 0)
        return {};
      const closed = closeThrough(loan, date, this.policy);
      await this.store.save(manager, closed.loan);
      await publishLoanEvents(manager, this.outbox, closed.loan, closed.events);
      await this.changelog.record(manager, loanId);
      const counts: Record<string, number> = {};
      for (const event of closed.events) counts[event.type] = (counts[event.type] ?? 0) + 1;
      return counts;
    });
  }

  private async insertRepayment(
    manager: EntityManager,
    id: string,
    loanId: string,
    key: string,
    hash: string,
    amount: Money,
    date: string,
    allocation: RepaymentRow['allocation'],
  ): Promise<RepaymentView> {
    await insertRepayment(manager, { id, loanId, key, hash, amount, date, allocation });
    return this.repaymentView({
      id,
      loan_id: loanId,
      request_hash: hash,
      amount: amount.toString(),
      currency: amount.currency,
      business_date: date,
      allocation,
    });
  }

  private repaymentView(row: RepaymentRow): RepaymentView {
    const { payoff, loanStatus, ...allocation } = row.allocation;
    return {
      repaymentId: row.id,
      loanId: row.loan_id,
      businessDate: row.business_date,
      amount: Money.of(row.amount, row.currency).toString(),
      currency: row.currency,
      allocation,
      payoff,
      loanStatus,
    };
  }

  /** The loan; a missing one and, for a customer, another customer's answer the same 404. */
  private async require(
    manager: EntityManager,
    loanId: string,
    lock: boolean,
    caller: Principal | undefined,
  ): Promise<LoanState> {
    const loan = await this.store.find(manager, loanId, lock);
    if (!loan || !mayAccessCustomer(caller, loan.customerId))
      throw new DomainError(
        'REPAYMENT.LOAN_NOT_FOUND',
        `loan ${loanId} does not exist`,
        'not-found',
      );
    return loan;
  }
}
