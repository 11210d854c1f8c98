import { Money } from '@credit/money';
import { z } from 'zod';
import { defineEvent } from '../catalog';
import { Topics } from '../topics';
import {
  businessDate,
  id,
  loanFields,
  moneyOf,
  nonNegativeMoney,
  positiveMoney,
  sameCurrency,
  timestamp,
} from './fields';
import { rateSchema } from './loan-terms';

// loan.events, the loan's servicing (repayment): schedule.created, repayment.allocated,
// interest.accrued, fee.charged, penalty.accrued, loan.charged-off, recovery.received; keyed by
// loan id.

/** A loan's balances by component, each at least zero. */
const componentFields = {
  principal: nonNegativeMoney,
  interest: nonNegativeMoney,
  fee: nonNegativeMoney,
};

export const scheduleInstallmentSchema = z
  .object({
    period: z.number().int().min(1),
    dueDate: businessDate,
    ...componentFields,
    total: nonNegativeMoney,
  })
  .strict();

export const ScheduleCreatedV1 = defineEvent({
  type: 'schedule.created',
  version: 1,
  topic: Topics.loanEvents,
  schema: z
    .object({
      ...loanFields,
      installments: z.array(scheduleInstallmentSchema).min(1).max(360),
      totals: z
        .object({ ...componentFields, principal: positiveMoney, total: positiveMoney })
        .strict(),
      /** Annual percentage rate including every fee, e.g. "0.1234" for 12.34 %. */
      apr: rateSchema,
    })
    .strict(),
});
export type ScheduleCreatedV1Payload = z.infer<typeof ScheduleCreatedV1.schema>;

export const repaymentAllocationSchema = z
  .object({
    penalty: nonNegativeMoney,
    interest: nonNegativeMoney,
    fee: nonNegativeMoney,
    principal: nonNegativeMoney,
    overpayment: nonNegativeMoney,
  })
  .strict();

export const RepaymentAllocatedV1 = defineEvent({
  type: 'repayment.allocated',
  version: 1,
  topic: Topics.loanEvents,
  schema: z
    .object({
      repaymentId: id,
      ...loanFields,
      /** The revolving line the loan was drawn on: principal repaid makes room on it again. */
      lineId: id.nullable(),
      /** What the customer paid; the allocation's parts sum to exactly this. */
      amount: positiveMoney,
      allocation: repaymentAllocationSchema,
      receivedAt: timestamp,
    })
    .strict()
    .superRefine((payload, ctx) => {
      const parts = Object.values(payload.allocation);
      const currencies = new Set([payload.amount.currency, ...parts.map((p) => p.currency)]);
      if (currencies.size > 1) {
        sameCurrency([payload.amount, ...parts], ctx, ['allocation']);
        return;
      }
      const amount = moneyOf(payload.amount);
      const partAmounts = parts.map(moneyOf);
      if (!amount || partAmounts.some((part) => part === undefined)) return;
      const allocated = Money.sum(
        amount.currency,
        partAmounts.filter((part): part is Money => part !== undefined),
      );
      if (!allocated.equals(amount)) {
        ctx.addIssue({
          code: 'custom',
          message: `the allocation sums to ${allocated.toString()}, not the amount paid ${amount.toString()}`,
          path: ['allocation'],
        });
      }
    }),
});
export type RepaymentAllocatedV1Payload = z.infer<typeof RepaymentAllocatedV1.schema>;

/** What one business day of accrual added to a loan's interest or penalty. */
const accrualSchema = z.object({ ...loanFields, businessDate, amount: positiveMoney }).strict();

function accrualEvent(type: 'interest.accrued' | 'penalty.accrued') {
  return defineEvent({ type, version: 1, topic: Topics.loanEvents, schema: accrualSchema });
}

export const InterestAccruedV1 = accrualEvent('interest.accrued');
export type InterestAccruedV1Payload = z.infer<typeof InterestAccruedV1.schema>;

export const PenaltyAccruedV1 = accrualEvent('penalty.accrued');
export type PenaltyAccruedV1Payload = z.infer<typeof PenaltyAccruedV1.schema>;

export const FeeChargedV1 = defineEvent({
  type: 'fee.charged',
  version: 1,
  topic: Topics.loanEvents,
  schema: z
    .object({
      ...loanFields,
      period: z.number().int().min(1),
      amount: positiveMoney,
      chargedAt: timestamp,
    })
    .strict(),
});
export type FeeChargedV1Payload = z.infer<typeof FeeChargedV1.schema>;

export const LoanChargedOffV1 = defineEvent({
  type: 'loan.charged-off',
  version: 1,
  topic: Topics.loanEvents,
  schema: z
    .object({
      ...loanFields,
      businessDate,
      /** The balances written off; each may be zero, not all of them. */
      ...componentFields,
      penalty: nonNegativeMoney,
    })
    .strict()
    .superRefine((payload, ctx) => {
      const parts = [payload.principal, payload.interest, payload.fee, payload.penalty];
      sameCurrency(parts, ctx);
      if (parts.every((part) => moneyOf(part)?.isZero() === true)) {
        ctx.addIssue({ code: 'custom', message: 'a charge-off writes off a non-zero balance' });
      }
    }),
});
export type LoanChargedOffV1Payload = z.infer<typeof LoanChargedOffV1.schema>;

export const RecoveryReceivedV1 = defineEvent({
  type: 'recovery.received',
  version: 1,
  topic: Topics.loanEvents,
  schema: z
    .object({
      recoveryId: id,
      ...loanFields,
      amount: positiveMoney,
      receivedAt: timestamp,
    })
    .strict(),
});
export type RecoveryReceivedV1Payload = z.infer<typeof RecoveryReceivedV1.schema>;
