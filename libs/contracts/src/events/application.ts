import { z } from 'zod';
import { defineEvent } from '../catalog';
import { creditProfileSchema } from '../credit-profile';
import { Topics } from '../topics';
import { id, nonNegativeMoney, positiveMoney, timestamp } from './fields';
import {
  cashLoanRepaymentMethods,
  drawPricingSchema,
  feePayerSchema,
  loanProductSchema,
} from './loan-terms';

// application.events: application.submitted (application), application.decided (scoring);
// keyed by application id.

export const applicationKinds = ['credit-line', 'draw'] as const;
export const applicationKindSchema = z.enum(applicationKinds);
export const applicantAgeSchema = z.number().int().min(0).max(130);

/** The application an event is about, its customer and what it asks for. */
const applicationFields = {
  applicationId: id,
  /** The customer; name, national ID and phone never travel in events. */
  customerId: id,
  kind: applicationKindSchema,
};

/** The draw an application asks for. */
export const drawRequestSchema = z
  .object({
    lineId: id,
    product: loanProductSchema,
    amount: positiveMoney,
    periods: z.number().int().min(1).max(12),
    merchantId: id.nullable(),
    feePayer: feePayerSchema,
    /**
     * A cash loan's repayment method. Absent on installment purchases, and on cash-loan draws
     * submitted before it existed (those are daily-interest).
     */
    repaymentMethod: z.enum(cashLoanRepaymentMethods).optional(),
  })
  .strict();

export const ApplicationSubmittedV1 = defineEvent({
  type: 'application.submitted',
  version: 1,
  topic: Topics.applicationEvents,
  schema: z
    .object({
      ...applicationFields,
      applicant: z
        .object({
          age: applicantAgeSchema,
          monthlyIncome: nonNegativeMoney,
          monthlyDebtPayments: nonNegativeMoney,
          profile: creditProfileSchema,
        })
        .strict(),
      creditLine: z.object({ requestedLimit: positiveMoney }).strict().nullable(),
      draw: drawRequestSchema.nullable(),
      submittedAt: timestamp,
    })
    .strict()
    .superRefine((payload, ctx) => {
      if ((payload.kind === 'credit-line') !== (payload.creditLine !== null)) {
        ctx.addIssue({
          code: 'custom',
          message: 'a credit-line application carries creditLine, and only it',
          path: ['creditLine'],
        });
      }
      if ((payload.kind === 'draw') !== (payload.draw !== null)) {
        ctx.addIssue({
          code: 'custom',
          message: 'a draw application carries draw, and only it',
          path: ['draw'],
        });
      }
      if (
        payload.draw?.product === 'installment-purchase' &&
        payload.draw.repaymentMethod !== undefined
      ) {
        ctx.addIssue({
          code: 'custom',
          message: 'an installment purchase is a flat-fee plan; it has no repaymentMethod',
          path: ['draw', 'repaymentMethod'],
        });
      }
    }),
});
export type ApplicationSubmittedV1Payload = z.infer<typeof ApplicationSubmittedV1.schema>;

export const decisions = ['approved', 'declined', 'referred'] as const;

export const ApplicationDecidedV1 = defineEvent({
  type: 'application.decided',
  version: 1,
  topic: Topics.applicationEvents,
  schema: z
    .object({
      ...applicationFields,
      decision: z.enum(decisions),
      modelVersion: id,
      score: z.number().int(),
      /** Probability of default, a decimal string such as "0.0831". */
      pd: z
        .string()
        .regex(/^(0(\.\d{1,8})?|1(\.0{1,8})?)$/, 'must be a probability such as "0.0831"'),
      reasons: z.array(z.object({ code: id, text: z.string().min(1).max(300) }).strict()).max(4),
      rulesFired: z.array(id).max(20),
      /** An approved credit line: its id and limit. */
      creditLine: z.object({ lineId: id, limit: positiveMoney, priceTier: id }).strict().nullable(),
      /** An approved draw: what to pay out and the price it was granted at. */
      draw: drawRequestSchema
        .extend({ pricing: drawPricingSchema, merchantFee: nonNegativeMoney.nullable() })
        .nullable(),
      decidedAt: timestamp,
    })
    .strict(),
});
export type ApplicationDecidedV1Payload = z.infer<typeof ApplicationDecidedV1.schema>;
