import { z } from 'zod';
import { defineEvent } from '../catalog';
import { decimalStringSchema } from '../money-schema';
import { Topics } from '../topics';
import { creditProfileSchema } from '../credit-profile';
import { applicantAgeSchema, applicationKindSchema, drawRequestSchema } from './application';
import { currencyCode, id, idempotencyFields, timestamp } from './fields';
import { cashLoanRepaymentMethods } from './loan-terms';

// application.changelog: application.recorded (application); keyed by application id.

const sealed = z.string().startsWith('v1:');

/**
 * The application service's changelog: an application as accepted over HTTP (its idempotency key
 * and request hash, the personal data as stored: sealed with AES-256-GCM under a key id, never in
 * clear). Its decision is not here: that is rebuilt from application.decided. The service
 * consumes its own changelog: live it is a no-op (the application is stored); replayed into an
 * emptied database it restores every application, before the decisions are replayed.
 */
export const ApplicationRecordedV1 = defineEvent({
  type: 'application.recorded',
  version: 1,
  topic: Topics.applicationChangelog,
  schema: z
    .object({
      applicationId: z.uuid(),
      ...idempotencyFields,
      customerId: id,
      kind: applicationKindSchema,
      sealed: z.object({ name: sealed, nationalId: sealed, phone: sealed }).strict(),
      age: applicantAgeSchema,
      currency: currencyCode,
      monthlyIncome: decimalStringSchema,
      monthlyDebtPayments: decimalStringSchema,
      profile: creditProfileSchema,
      requestedLimit: decimalStringSchema.nullable(),
      draw: drawRequestSchema
        .extend({
          amount: decimalStringSchema,
          /** A cash loan's repayment method (null on a purchase; absent in older records). */
          repaymentMethod: z.enum(cashLoanRepaymentMethods).nullable().optional(),
        })
        .nullable(),
      submittedAt: timestamp,
    })
    .strict(),
});
export type ApplicationRecordedV1Payload = z.infer<typeof ApplicationRecordedV1.schema>;
