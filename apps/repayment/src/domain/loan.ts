import type { DayCountConvention, LoanProduct, LoanTerms } from '@credit/contracts';
import {
  type Bucket,
  type DelinquencyBucket,
  type IsoDate,
  NON_PERFORMING_WATERFALL,
  PERFORMING_WATERFALL,
  PERFORMING_WATERFALL_WITH_PREPAYMENT,
  addDays,
  allocate,
  compareIsoDates,
  dailyInterest,
  dayCount,
  dayCountOn,
  daysBetween,
  daysPastDue,
  delinquencyBucket,
  penaltyFor,
} from '@credit/lending-math';
import { Money, RoundingMode } from '@credit/money';
import { scheduleFor } from './schedule';
import { invariant } from '@credit/kernel';

export type LoanStatus = 'active' | 'paid-off' | 'charged-off';
export type InstallmentStatus = 'paid' | 'past-due' | 'due' | 'not-due';

export interface InstallmentState {
  readonly period: number;
  readonly dueDate: IsoDate;
  principalDue: Money;
  interestDue: Money;
  feeDue: Money;
  principalPaid: Money;
  interestPaid: Money;
  feePaid: Money;
  /** The fee was charged to the borrower (on the due date) and is owed. */
  feeCharged: boolean;
  paidOn: IsoDate | null;
}

/** A loan as the repayment service keeps it. Money components are running totals. */
export interface LoanState {
  readonly id: string;
  readonly customerId: string;
  readonly lineId: string | null;
  readonly product: LoanProduct;
  readonly currency: string;
  readonly principal: Money;
  readonly terms: LoanTerms;
  readonly apr: string;
  status: LoanStatus;
  interestAccrued: Money;
  interestPaid: Money;
  feeCharged: Money;
  feePaid: Money;
  penaltyAccrued: Money;
  penaltyPaid: Money;
  principalPaid: Money;
  customerCredit: Money;
  /** The last business date whose close of business was applied. */
  processedThrough: IsoDate;
  daysPastDue: number;
  delinquencyBucket: DelinquencyBucket;
  closedOn: IsoDate | null;
  installments: InstallmentState[];
}

export interface LoanPolicy {
  /** Days past due at which a loan is charged off. */
  readonly chargeOffDpd: number;
}

export const DefaultChargeOffDpd = 180;

/** What a close of business (or a repayment) produced, for the ledger and the borrower's record. */
export type LoanEvent =
  | { readonly type: 'interest.accrued'; readonly businessDate: IsoDate; readonly amount: Money }
  | {
      readonly type: 'fee.charged';
      readonly businessDate: IsoDate;
      readonly period: number;
      readonly amount: Money;
    }
  | { readonly type: 'penalty.accrued'; readonly businessDate: IsoDate; readonly amount: Money }
  | {
      readonly type: 'loan.charged-off';
      readonly businessDate: IsoDate;
      readonly principal: Money;
      readonly interest: Money;
      readonly fee: Money;
      readonly penalty: Money;
    };

export class RepaymentError extends Error {
  constructor(
    readonly code:
      | 'REPAYMENT.LOAN_CLOSED'
      | 'REPAYMENT.CURRENCY_MISMATCH'
      | 'REPAYMENT.INVALID_DATE'
      | 'REPAYMENT.NOT_STARTED'
      | 'VALIDATION.FAILED',
    message: string,
    readonly kind: 'conflict' | 'invalid' = 'conflict',
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'RepaymentError';
  }
}

/** A new loan from its disbursement: the schedule from its terms, nothing accrued. */
export function openLoan(input: {
  id: string;
  customerId: string;
  lineId: string | null;
  product: LoanProduct;
  principal: Money;
  terms: LoanTerms;
}): LoanState {
  const schedule = scheduleFor(input.terms, input.principal);
  const zero = Money.zero(input.principal.currency);
  return {
    ...input,
    currency: input.principal.currency,
    apr: schedule.apr,
    status: 'active',
    interestAccrued: zero,
    interestPaid: zero,
    feeCharged: zero,
    feePaid: zero,
    penaltyAccrued: zero,
    penaltyPaid: zero,
    principalPaid: zero,
    customerCredit: zero,
    processedThrough: input.terms.startDate,
    daysPastDue: 0,
    delinquencyBucket: 'current',
    closedOn: null,
    installments: schedule.installments.map((i) => ({
      period: i.period,
      dueDate: i.dueDate,
      principalDue: i.principal,
      // A daily-interest loan bills interest as it accrues (at each due date), not as scheduled.
      interestDue: input.terms.method === 'daily-interest' ? zero : i.interest,
      feeDue: i.fee,
      principalPaid: zero,
      interestPaid: zero,
      feePaid: zero,
      feeCharged: false,
      paidOn: null,
    })),
  };
}

export function cloneLoan(loan: LoanState): LoanState {
  return { ...loan, installments: loan.installments.map((i) => ({ ...i })) };
}

const minOf = (a: Money, b: Money): Money => (a.lessThan(b) ? a : b);

export const outstandingPrincipal = (loan: LoanState): Money =>
  loan.principal.subtract(loan.principalPaid);

const unpaid = (i: InstallmentState) => ({
  principal: i.principalDue.subtract(i.principalPaid),
  interest: i.interestDue.subtract(i.interestPaid),
  fee: i.feeCharged ? i.feeDue.subtract(i.feePaid) : Money.zero(i.feeDue.currency),
});

function isSettled(i: InstallmentState): boolean {
  const left = unpaid(i);
  const feeLeft = i.feeDue.subtract(i.feePaid);
  return left.principal.isZero() && left.interest.isZero() && feeLeft.isZero();
}

export function installmentStatus(i: InstallmentState, businessDate: IsoDate): InstallmentStatus {
  if (isSettled(i)) return 'paid';
  const order = compareIsoDates(i.dueDate, businessDate);
  return order < 0 ? 'past-due' : order === 0 ? 'due' : 'not-due';
}

/** The earliest installment with anything unpaid that has fallen due on or before the date. */
function oldestUnpaidDueDate(loan: LoanState, businessDate: IsoDate): IsoDate | null {
  for (const i of loan.installments) {
    if (compareIsoDates(i.dueDate, businessDate) > 0) return null;
    if (!isSettled(i)) return i.dueDate;
  }
  return null;
}

/** The period whose interest accrues on `date`: due date on or after it, start before it. */
function periodOn(loan: LoanState, date: IsoDate): { index: number; start: IsoDate } | undefined {
  let start = loan.terms.startDate;
  for (const [index, i] of loan.installments.entries()) {
    if (compareIsoDates(date, start) > 0 && compareIsoDates(date, i.dueDate) <= 0)
      return { index, start };
    start = i.dueDate;
  }
  return undefined;
}

/**
 * Interest of an amortizing period earned by `date`: its interest × elapsed ÷ period days, both
 * counted by the loan's convention from the period's start (so under 30/360 a 31st earns nothing
 * and 1 March earns February's missing days), rounded HALF_EVEN. The period's interest was itself
 * computed with that convention (`scheduleForTerms`).
 */
function earnedBy(
  i: InstallmentState,
  start: IsoDate,
  date: IsoDate,
  convention: DayCountConvention,
): Money {
  const total = dayCount(start, i.dueDate, convention);
  invariant(total > 0, `a period of ${total} days ending ${i.dueDate}`);
  const elapsed = Math.min(Math.max(dayCount(start, date, convention), 0), total);
  return i.interestDue.multiplyByRatio(String(elapsed), String(total), RoundingMode.HALF_EVEN);
}

/** The start of the accrual period `date` falls in: its period's start, or the last due date after maturity. */
function accrualAnchor(loan: LoanState, date: IsoDate): IsoDate {
  const period = periodOn(loan, date);
  if (period) return period.start;
  return loan.installments.at(-1)?.dueDate ?? loan.terms.startDate;
}

function interestFor(loan: LoanState, date: IsoDate): Money {
  const zero = Money.zero(loan.currency);
  const convention = loan.terms.dayCount;
  switch (loan.terms.method) {
    case 'flat-fee':
      return zero;
    case 'daily-interest': {
      // The rate is per day: the day earns the day-count days it adds to its period (always 1
      // under ACT/365 and ACT/360; 0 to 3 under 30/360), rounded once (HALF_EVEN).
      const days = dayCountOn(accrualAnchor(loan, date), date, convention);
      return dailyInterest(outstandingPrincipal(loan), loan.terms.dailyRate ?? '0', days);
    }
    case 'equal-installment':
    case 'equal-principal': {
      const period = periodOn(loan, date);
      if (!period) return zero;
      const installment = loan.installments[period.index];
      if (!installment) return zero;
      // Accrual basis: the period's interest is earned evenly over its day-count days; today's
      // share is the difference of two rounded cumulative amounts, so a period's accruals sum to
      // its interest.
      return earnedBy(installment, period.start, date, convention).subtract(
        earnedBy(installment, period.start, addDays(date, -1), convention),
      );
    }
  }
}

/**
 * One business day of the loan: interest accrual, fees falling due, daily interest billed at due
 * dates, penalty on overdue principal, delinquency, charge-off. Pure: returns the new state and
 * the events to publish. `date` must be the day after `processedThrough`.
 */
export function closeDay(
  loan: LoanState,
  date: IsoDate,
  policy: LoanPolicy,
): { loan: LoanState; events: LoanEvent[] } {
  invariant(
    daysBetween(loan.processedThrough, date) === 1,
    `loan ${loan.id} processed through ${loan.processedThrough}, asked to close ${date}`,
  );
  const next = cloneLoan(loan);
  next.processedThrough = date;
  if (next.status !== 'active') return { loan: next, events: [] };
  const events: LoanEvent[] = [];

  const interest = interestFor(next, date);
  if (interest.isPositive()) {
    next.interestAccrued = next.interestAccrued.add(interest);
    events.push({ type: 'interest.accrued', businessDate: date, amount: interest });
  }

  for (const i of next.installments) {
    if (i.dueDate !== date) continue;
    if (next.terms.method === 'daily-interest') {
      // Bill what has accrued and is not yet billed to an earlier installment.
      const billed = next.installments.reduce(
        (sum, x) => sum.add(x.interestDue),
        Money.zero(next.currency),
      );
      i.interestDue = next.interestAccrued.subtract(billed);
    }
    if (!i.feeCharged && i.feeDue.isPositive()) {
      i.feeCharged = true;
      next.feeCharged = next.feeCharged.add(i.feeDue);
      events.push({ type: 'fee.charged', businessDate: date, period: i.period, amount: i.feeDue });
    }
  }

  const overdue = next.installments
    .filter((i) => compareIsoDates(i.dueDate, date) < 0)
    .reduce((sum, i) => sum.add(unpaid(i).principal), Money.zero(next.currency));
  const penalty = penaltyFor(overdue, 1, next.terms.penaltyDailyRate);
  if (penalty.isPositive()) {
    next.penaltyAccrued = next.penaltyAccrued.add(penalty);
    events.push({ type: 'penalty.accrued', businessDate: date, amount: penalty });
  }

  next.daysPastDue = daysPastDue(oldestUnpaidDueDate(next, date), date);
  next.delinquencyBucket = delinquencyBucket(next.daysPastDue);
  if (next.daysPastDue >= policy.chargeOffDpd) {
    const receivables = outstanding(next);
    next.status = 'charged-off';
    next.closedOn = date;
    events.push({ type: 'loan.charged-off', businessDate: date, ...receivables });
  }
  return { loan: next, events };
}

/** Closes every day after `processedThrough` up to and including `through`. */
export function closeThrough(
  loan: LoanState,
  through: IsoDate,
  policy: LoanPolicy,
): { loan: LoanState; events: LoanEvent[] } {
  let current = loan;
  const events: LoanEvent[] = [];
  while (compareIsoDates(current.processedThrough, through) < 0) {
    const step = closeDay(current, addDays(current.processedThrough, 1), policy);
    current = step.loan;
    events.push(...step.events);
  }
  return { loan: current, events };
}

/** What the borrower owes now by component, as the ledger carries it (receivables). */
export function outstanding(loan: LoanState): {
  principal: Money;
  interest: Money;
  fee: Money;
  penalty: Money;
} {
  return {
    principal: outstandingPrincipal(loan),
    interest: loan.interestAccrued.subtract(loan.interestPaid),
    fee: loan.feeCharged.subtract(loan.feePaid),
    penalty: loan.penaltyAccrued.subtract(loan.penaltyPaid),
  };
}

/** Settles the loan on the date: all principal, interest earned so far, fees charged, penalties. */
export function payoffAmount(loan: LoanState): Money {
  const o = outstanding(loan);
  return o.principal.add(o.interest).add(o.fee).add(o.penalty);
}

export interface RepaymentResult {
  readonly loan: LoanState;
  readonly allocation: {
    penalty: Money;
    interest: Money;
    fee: Money;
    principal: Money;
    overpayment: Money;
  };
  readonly payoff: boolean;
}

/**
 * Applies a payment on `date` (the loan must be closed through `date`). A payment that covers the
 * payoff amount settles the loan: no prepayment fee, unearned interest and uncharged fees are
 * waived. Otherwise the waterfall applies it to what is due (a daily-interest loan may also prepay
 * principal); the rest becomes a customer credit balance, never lost.
 */
export function applyRepayment(loan: LoanState, amount: Money, date: IsoDate): RepaymentResult {
  if (loan.status !== 'active') {
    throw new RepaymentError(
      'REPAYMENT.LOAN_CLOSED',
      `loan ${loan.id} is ${loan.status}; it takes no repayments`,
    );
  }
  if (amount.currency !== loan.currency) {
    throw new RepaymentError(
      'REPAYMENT.CURRENCY_MISMATCH',
      `loan ${loan.id} is in ${loan.currency}, the payment in ${amount.currency}`,
      'invalid',
    );
  }
  invariant(
    compareIsoDates(loan.processedThrough, date) === 0,
    `loan ${loan.id} must be closed through ${date} before a repayment`,
  );
  const next = cloneLoan(loan);
  const owed = outstanding(next);
  const payoff = amount.greaterThanOrEqual(payoffAmount(next));
  const cash = next.terms.method === 'daily-interest';

  // Buckets, oldest first; each remembers where its money goes.
  const buckets: Bucket[] = [];
  const targets: ({ kind: 'installment'; index: number } | { kind: 'loan' })[] = [];
  const push = (bucket: Bucket, target: (typeof targets)[number]) => {
    if (bucket.amount.isPositive()) {
      buckets.push(bucket);
      targets.push(target);
    }
  };
  push({ state: 'past-due', component: 'penalty', amount: owed.penalty }, { kind: 'loan' });
  let interestRoom = owed.interest;
  let feeRoom = owed.fee;
  next.installments.forEach((i, index) => {
    const status = installmentStatus(i, date);
    if (status === 'paid') return;
    const left = unpaid(i);
    const state = status === 'not-due' ? 'not-due' : status;
    // Never take more interest or fee than has been earned or charged (what the ledger carries).
    const interest = minOf(left.interest, interestRoom);
    const fee = minOf(left.fee, feeRoom);
    interestRoom = interestRoom.subtract(interest);
    feeRoom = feeRoom.subtract(fee);
    if (state !== 'not-due' || payoff)
      push(
        { state: state === 'not-due' ? 'due' : state, component: 'interest', amount: interest },
        { kind: 'installment', index },
      );
    if (state !== 'not-due' || payoff)
      push(
        { state: state === 'not-due' ? 'due' : state, component: 'fee', amount: fee },
        { kind: 'installment', index },
      );
    if (state !== 'not-due')
      push(
        { state, component: 'principal', amount: left.principal },
        { kind: 'installment', index },
      );
    else if (payoff || cash)
      push(
        { state: 'not-due', component: 'principal', amount: left.principal },
        { kind: 'installment', index },
      );
  });
  // Earned interest not yet billed to an installment (daily-interest loans, a payoff mid-period).
  if (cash || payoff)
    push({ state: 'due', component: 'interest', amount: interestRoom }, { kind: 'loan' });

  const waterfall =
    next.delinquencyBucket === '90+'
      ? NON_PERFORMING_WATERFALL
      : payoff || cash
        ? PERFORMING_WATERFALL_WITH_PREPAYMENT
        : PERFORMING_WATERFALL;
  const result = allocate(amount, buckets, waterfall);

  for (const applied of result.applied) {
    const target = targets[applied.bucketIndex];
    invariant(target, 'an allocation without its bucket');
    if (target.kind === 'installment') {
      const i = next.installments[target.index];
      invariant(i, 'an allocation to a missing installment');
      if (applied.component === 'principal') i.principalPaid = i.principalPaid.add(applied.amount);
      if (applied.component === 'interest') i.interestPaid = i.interestPaid.add(applied.amount);
      if (applied.component === 'fee') i.feePaid = i.feePaid.add(applied.amount);
    }
    if (applied.component === 'penalty') next.penaltyPaid = next.penaltyPaid.add(applied.amount);
    if (applied.component === 'interest') next.interestPaid = next.interestPaid.add(applied.amount);
    if (applied.component === 'fee') next.feePaid = next.feePaid.add(applied.amount);
    if (applied.component === 'principal')
      next.principalPaid = next.principalPaid.add(applied.amount);
  }
  next.customerCredit = next.customerCredit.add(result.overpayment);

  if (payoff) {
    // Settled: what was not earned or charged is waived; the schedule shows what was paid.
    for (const i of next.installments) {
      i.interestDue = i.interestPaid;
      i.feeDue = i.feePaid;
      i.feeCharged = i.feePaid.isPositive();
    }
  }
  for (const i of next.installments) {
    if (i.paidOn === null && isSettled(i)) i.paidOn = date;
  }
  const remaining = outstanding(next);
  const futureFees = next.installments.some((i) => !i.feeCharged && i.feeDue.isPositive());
  if (
    remaining.principal.isZero() &&
    remaining.interest.isZero() &&
    remaining.fee.isZero() &&
    remaining.penalty.isZero() &&
    !futureFees
  ) {
    next.status = 'paid-off';
    next.closedOn = date;
  }
  next.daysPastDue = daysPastDue(oldestUnpaidDueDate(next, date), date);
  next.delinquencyBucket = delinquencyBucket(next.daysPastDue);
  return {
    loan: next,
    allocation: {
      penalty: result.byComponent.penalty,
      interest: result.byComponent.interest,
      fee: result.byComponent.fee,
      principal: result.byComponent.principal,
      overpayment: result.overpayment,
    },
    payoff,
  };
}

/**
 * What a payment received on `date` does to a loan. An active loan is first brought to the date
 * (`caughtUp`: the accrual of the days not yet closed, which may itself charge the loan off). A
 * charged-off loan takes every payment as a recovery; an active one allocates it by the waterfall
 * (applyRepayment). Refused: a payment before the loan starts, in another currency, or on a loan
 * paid off.
 */
export type PaymentOutcome =
  | {
      readonly kind: 'recovery';
      readonly caughtUp: { loan: LoanState; events: LoanEvent[] } | null;
      readonly loan: LoanState;
    }
  | {
      readonly kind: 'allocated';
      readonly caughtUp: { loan: LoanState; events: LoanEvent[] } | null;
      readonly result: RepaymentResult;
    };

export function receivePayment(
  loan: LoanState,
  amount: Money,
  date: IsoDate,
  policy: LoanPolicy,
): PaymentOutcome {
  if (compareIsoDates(date, loan.terms.startDate) < 0) {
    throw new RepaymentError(
      'REPAYMENT.NOT_STARTED',
      `loan ${loan.id} starts on ${loan.terms.startDate}`,
    );
  }
  if (amount.currency !== loan.currency) {
    throw new RepaymentError(
      'VALIDATION.FAILED',
      `currency must be ${loan.currency}, the loan's currency`,
      'invalid',
      { fields: [{ field: 'currency', problems: [`must be ${loan.currency}`] }] },
    );
  }
  if (loan.status === 'paid-off') {
    throw new RepaymentError(
      'REPAYMENT.LOAN_CLOSED',
      `loan ${loan.id} is paid off; it takes no repayments`,
    );
  }
  const caughtUp = loan.status === 'active' ? closeThrough(loan, date, policy) : null;
  const current = caughtUp?.loan ?? loan;
  if (current.status === 'charged-off') return { kind: 'recovery', caughtUp, loan: current };
  if (current.status !== 'active') {
    throw new RepaymentError('REPAYMENT.LOAN_CLOSED', `loan ${loan.id} is ${current.status}`);
  }
  return { kind: 'allocated', caughtUp, result: applyRepayment(current, amount, date) };
}
