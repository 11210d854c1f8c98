import { z } from 'zod';
import { defineEvent } from '../catalog';
import { moneySchema } from '../money-schema';
import { Topics } from '../topics';
import { businessDate, positiveMoney, reference, timestamp } from './fields';

// payout.statements: payout.statement-reconciled (disbursement); keyed by business date.

export const payoutBreakKinds = ['paid-not-booked', 'booked-not-paid', 'amount-differs'] as const;

/**
 * The daily payout reconciliation of the disbursement service: the bank's statement for a business
 * date, each line with the event that booked it on the platform (`bookedBy`, null when nothing
 * did), and the breaks between the statement and the disbursement's payouts. The ledger keeps it
 * and checks the statement against its own entries in every reconciliation run.
 */
export const PayoutStatementReconciledV1 = defineEvent({
  type: 'payout.statement-reconciled',
  version: 1,
  topic: Topics.payoutStatements,
  schema: z
    .object({
      businessDate,
      lines: z.array(
        z
          .object({
            reference,
            payee: reference,
            amount: positiveMoney,
            paidAt: timestamp,
            bookedBy: z.uuid().nullable(),
          })
          .strict(),
      ),
      breaks: z.array(
        z
          .object({
            kind: z.enum(payoutBreakKinds),
            reference,
            bank: moneySchema.nullable(),
            platform: moneySchema.nullable(),
          })
          .strict(),
      ),
      reconciledAt: timestamp,
    })
    .strict(),
});
export type PayoutStatementReconciledV1Payload = z.infer<typeof PayoutStatementReconciledV1.schema>;
