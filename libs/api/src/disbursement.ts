import { z } from 'zod';
import { PayoutStatementReconciledV1 } from '@credit/contracts';
import { actorSchema, businessDateSchema, defineRoute } from '@credit/platform';
import { serviceApi } from './service-api';

/** The disbursement service's HTTP API: the schemas validate the input and document every answer. */

const businessDateBody = z
  .object({
    businessDate: businessDateSchema('businessDate').meta({ examples: ['2026-11-25'] }),
  })
  .strict();

export const getDisbursement = defineRoute({
  operationId: 'getDisbursement',
  method: 'GET',
  path: '/v1/disbursements/{loanId}',
  summary: 'A disbursement with its state history (operator)',
  tags: ['disbursements'],
  role: 'operator',
  params: z.object({ loanId: z.string().min(1).max(128) }),
  responses: {
    200: {
      description: 'the disbursement',
      body: z.object({
        loanId: z.string(),
        applicationId: z.string(),
        customerId: z.string(),
        lineId: z.string().nullable(),
        product: z.string(),
        principal: z.string(),
        currency: z.string(),
        merchantId: z.string().nullable(),
        merchantFee: z.string().nullable(),
        state: z.enum(['created', 'paying', 'unconfirmed', 'disbursed', 'failed']),
        attempts: z.number().int(),
        lastError: z.string().nullable(),
        startDate: z.string().nullable(),
        settlementId: z.string().nullable(),
        payoutReference: z.string().nullable(),
        history: z.array(
          z.object({ state: z.string(), detail: z.string().nullable(), at: z.string() }),
        ),
      }),
    },
  },
  errors: { 404: ['DISBURSEMENT.NOT_FOUND'] },
});

export const settleMerchants = defineRoute({
  operationId: 'settleMerchants',
  method: 'POST',
  path: '/v1/merchant-settlements',
  summary:
    'Run the merchant settlement batch for a date (operator); idempotent per merchant and date',
  tags: ['disbursements'],
  role: 'operator',
  body: businessDateBody,
  responses: {
    201: {
      description: 'the settlements paid for the date',
      body: z.object({
        businessDate: z.string(),
        settlements: z.array(
          z.object({
            settlementId: z.string(),
            merchantId: z.string(),
            amount: z.string(),
            loans: z.number().int(),
            openedBy: actorSchema(
              'who opened the settlement (an earlier run when it is paid again)',
            ),
            paidBy: actorSchema('who paid it (this run)'),
          }),
        ),
      }),
    },
  },
});

export const reconcilePayouts = defineRoute({
  operationId: 'reconcilePayouts',
  method: 'POST',
  path: '/v1/payout-reconciliations',
  summary:
    "Reconcile the bank's statement for a date against the payouts (operator); announces it to the ledger",
  tags: ['disbursements'],
  role: 'operator',
  body: businessDateBody,
  responses: {
    201: {
      description: 'the reconciliation',
      body: z.object({
        businessDate: z.string(),
        ok: z.boolean(),
        statementLines: z.number().int(),
        breaks: PayoutStatementReconciledV1.schema.shape.breaks,
        eventId: z.string(),
        reconciledAt: z.string(),
        reconciledBy: actorSchema(
          'who ran the reconciliation that found this result (system:disbursement for the daily run)',
        ),
      }),
    },
  },
});

export const disbursementApi = serviceApi('disbursement', {
  title: 'Disbursement service',
  description: 'Loans created from approved draws, paid out through the payment rail.',
  tags: {
    disbursements: 'Payouts, merchant settlements and the payout reconciliation',
  },
  routes: [getDisbursement, settleMerchants, reconcilePayouts],
});
