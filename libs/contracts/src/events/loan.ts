import { z } from 'zod';
import { defineEvent } from '../catalog';
import { Topics } from '../topics';
import { id, moneyOf, nonNegativeMoney, positiveMoney, sameCurrency, timestamp } from './fields';
import { drawPricingSchema, loanProductSchema, loanTermsSchema } from './loan-terms';

// loan.events, the loan's origination (disbursement): loan.created, loan.disbursed,
// disbursement.failed; keyed by loan id. Its servicing events are in loan-servicing.ts.

/** The loan a draw became, from the application that asked for it, on the line it draws on. */
const originationFields = {
  loanId: id,
  applicationId: id,
  customerId: id,
  /** The revolving credit line drawn on, when there is one. */
  lineId: id.nullable(),
};

/** What is paid out and to whom: the merchant of a purchase, with the plan fee it pays. */
const payoutFields = {
  product: loanProductSchema,
  principal: positiveMoney,
  /** The merchant paid (installment purchase); null for a cash loan. */
  merchantId: id.nullable(),
  /** Plan fee the merchant pays, withheld from its payout; null when there is none. */
  merchantFee: nonNegativeMoney.nullable(),
};

export const LoanCreatedV1 = defineEvent({
  type: 'loan.created',
  version: 1,
  topic: Topics.loanEvents,
  schema: z
    .object({
      ...originationFields,
      ...payoutFields,
      pricing: drawPricingSchema,
      createdAt: timestamp,
    })
    .strict(),
});
export type LoanCreatedV1Payload = z.infer<typeof LoanCreatedV1.schema>;

export const LoanDisbursedV1 = defineEvent({
  type: 'loan.disbursed',
  version: 1,
  topic: Topics.loanEvents,
  schema: z
    .object({
      loanId: id,
      customerId: id,
      ...payoutFields,
      lineId: originationFields.lineId,
      terms: loanTermsSchema,
      disbursedAt: timestamp,
    })
    .strict()
    .superRefine((payload, ctx) => {
      const issue = (message: string, field: 'merchantId' | 'merchantFee') =>
        ctx.addIssue({ code: 'custom', message, path: [field] });
      if (payload.product === 'installment-purchase' && payload.merchantId === null)
        issue('an installment purchase names the merchant paid', 'merchantId');
      if (payload.product === 'cash-loan' && payload.merchantId !== null)
        issue('a cash loan has no merchant', 'merchantId');
      if (payload.product === 'cash-loan' && payload.merchantFee !== null)
        issue('a cash loan has no merchant fee', 'merchantFee');
      if (payload.terms.feePayer === 'merchant' && payload.merchantFee === null)
        issue('a plan whose fee the merchant pays states the merchant fee', 'merchantFee');
      sameCurrency([payload.principal, payload.merchantFee], ctx, ['merchantFee']);
      const principal = moneyOf(payload.principal);
      const fee = payload.merchantFee && moneyOf(payload.merchantFee);
      if (principal && fee && fee.hasSameCurrency(principal) && fee.greaterThan(principal))
        issue(
          'the merchant fee cannot exceed the principal paid out to the merchant',
          'merchantFee',
        );
    }),
});
export type LoanDisbursedV1Payload = z.infer<typeof LoanDisbursedV1.schema>;

export const DisbursementFailedV1 = defineEvent({
  type: 'disbursement.failed',
  version: 1,
  topic: Topics.loanEvents,
  schema: z
    .object({
      ...originationFields,
      principal: positiveMoney,
      reason: z.string().min(1).max(500),
      failedAt: timestamp,
    })
    .strict(),
});
export type DisbursementFailedV1Payload = z.infer<typeof DisbursementFailedV1.schema>;
