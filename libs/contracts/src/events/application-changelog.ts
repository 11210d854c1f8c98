import { z } from 'zod';
import { defineEvent } from '../catalog';
import { decimalStringSchema } from '../money-schema';
import { Topics } from '../topics';
import { creditProfileSchema } from '../credit-profile';
import { applicantAgeSchema, applicationKindSchema, drawRequestSchema } from './application';
import { currencyCode, id, idempotencyFields, reference, timestamp } from './fields';
import { cashLoanRepaymentMethods } from './loan-terms';

// application.changelog: application.recorded (application); keyed by application id.

/** Sealed: `v1:<keyId>:…` (a master key) or `v2:…` (the application's data key, in no event). */
const sealed = z.string().regex(/^v[12]:/, 'must be a sealed value (v1: or v2:)');

/** The purposes an applicant may consent to (the application service's domain says which). */
export const consentPurposes = [
  'credit-assessment',
  'loan-servicing',
  'credit-reporting',
  'marketing',
] as const;

/**
 * The application service's changelog: an application as accepted over HTTP (its idempotency key
 * and request hash, the personal data as stored: sealed with AES-256-GCM under a key id, never in
 * clear). Its decision is not here: that is rebuilt from application.decided. The service
 * consumes its own changelog: live it is a no-op (the application is stored); replayed into an
 * emptied database it restores every application, before the decisions are replayed. The fields
 * sealed with a data key (v2) open only while its data key exists: the key is never in an event.
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
      /** What the applicant consented to (absent in records from before consent was asked). */
      consent: z
        .object({
          purposes: z.array(z.enum(consentPurposes)).min(1),
          textVersion: z.string().min(1).max(64),
          consentedAt: timestamp,
        })
        .strict()
        .optional(),
    })
    .strict(),
});
export type ApplicationRecordedV1Payload = z.infer<typeof ApplicationRecordedV1.schema>;

/**
 * An application's personal data was erased (its data key destroyed, its sealed fields
 * overwritten): at the customer's request or past the retention of a declined application. Keyed
 * by the application id, so it follows the application's own record on its partition. Replayed
 * (a rebuild, a database restored from a backup) it erases again whatever came back. No personal
 * data: the pseudonymous customer id, the reason and who asked.
 */
export const PersonalDataErasedV1 = defineEvent({
  type: 'application.personal-data-erased',
  version: 1,
  topic: Topics.applicationChangelog,
  schema: z
    .object({
      applicationId: z.uuid(),
      customerId: id,
      erasureId: z.uuid(),
      reason: z.enum(['customer-request', 'retention']),
      actor: reference,
      erasedAt: timestamp,
    })
    .strict(),
});
export type PersonalDataErasedV1Payload = z.infer<typeof PersonalDataErasedV1.schema>;
