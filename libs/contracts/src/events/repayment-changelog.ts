import { z } from 'zod';
import { defineEvent } from '../catalog';
import { decimalStringSchema as decimal } from '../money-schema';
import { Topics } from '../topics';
import { businessDate, currencyCode, id, idempotencyFields, timestamp } from './fields';
import { loanProductSchema, loanTermsSchema } from './loan-terms';

// repayment.changelog: loan.state-recorded (keyed by loan id) and calendar.business-day-closed
// (keyed by business date), both from repayment.

/** A report or allocation kept as the service wrote it. */
const document = z.record(z.string(), z.unknown());

/**
 * The repayment service's changelog: a loan's whole state (row, installments, repayments) after
 * each change, with a version that grows by one per change. The service consumes its own changelog:
 * live it is a no-op (the stored version is already there); replayed into an emptied database it
 * rebuilds every loan exactly as it was.
 */
export const LoanStateRecordedV1 = defineEvent({
  type: 'loan.state-recorded',
  version: 1,
  topic: Topics.repaymentChangelog,
  schema: z
    .object({
      loanId: id,
      version: z.number().int().min(1),
      loan: z
        .object({
          customerId: id,
          lineId: id.nullable(),
          product: loanProductSchema,
          currency: currencyCode,
          principal: decimal,
          terms: loanTermsSchema,
          startDate: businessDate,
          apr: z.string().min(1).max(40),
          status: z.enum(['active', 'paid-off', 'charged-off']),
          interestAccrued: decimal,
          interestPaid: decimal,
          feeCharged: decimal,
          feePaid: decimal,
          penaltyAccrued: decimal,
          penaltyPaid: decimal,
          principalPaid: decimal,
          customerCredit: decimal,
          processedThrough: businessDate,
          daysPastDue: z.number().int(),
          delinquencyBucket: z.string().min(1).max(20),
          disbursedEventId: z.uuid(),
          createdAt: timestamp,
          closedOn: businessDate.nullable(),
        })
        .strict(),
      installments: z.array(
        z
          .object({
            period: z.number().int().min(1),
            dueDate: businessDate,
            principalDue: decimal,
            interestDue: decimal,
            feeDue: decimal,
            principalPaid: decimal,
            interestPaid: decimal,
            feePaid: decimal,
            feeCharged: z.boolean(),
            paidOn: businessDate.nullable(),
          })
          .strict(),
      ),
      repayments: z.array(
        z
          .object({
            id: z.uuid(),
            ...idempotencyFields,
            amount: decimal,
            currency: currencyCode,
            businessDate,
            allocation: document,
            receivedAt: timestamp,
          })
          .strict(),
      ),
    })
    .strict(),
});
export type LoanStateRecordedV1Payload = z.infer<typeof LoanStateRecordedV1.schema>;

/** A business date the repayment service closed, with its report (part of its changelog). */
export const BusinessDayClosedV1 = defineEvent({
  type: 'calendar.business-day-closed',
  version: 1,
  topic: Topics.repaymentChangelog,
  schema: z
    .object({
      businessDate,
      closedAt: timestamp,
      report: document,
      /** Who closed the date (audit: role:holder:credentialId, system:repayment when scheduled); absent before the audit trail. */
      closedBy: z.string().min(1).max(200).optional(),
    })
    .strict(),
});
export type BusinessDayClosedV1Payload = z.infer<typeof BusinessDayClosedV1.schema>;
