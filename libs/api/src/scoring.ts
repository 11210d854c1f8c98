import { z } from 'zod';
import {
  ApplicationDecidedV1,
  ApplicationSubmittedV1,
  EventIdLengthMax,
  ReferralDeclineReasonCodes,
  ReferralPriceTiers,
  cashLoanRepaymentMethods,
  creditProfileSchema,
  drawPricingSchema,
} from '@credit/contracts';
import {
  absentOr,
  defineRoute,
  replayable,
  leftOut,
  moneyViewSchema,
  pageLimitSchema,
  requiredFor,
  validMoneySchema,
} from '@credit/platform';
import { serviceApi } from './service-api';

/** The scoring service's HTTP API: the schemas validate the input and document every answer. */

/** Referrals listed per page at most. */
export const ReferralPageMax = 200;

const id = z.string().min(1).max(EventIdLengthMax);

// ---------------------------------------------------------------- what-if

const whatIfApplicant = z
  .object({
    age: z.number().int().min(0).max(130),
    monthlyIncome: validMoneySchema(false),
    monthlyDebtPayments: validMoneySchema(false),
    profile: creditProfileSchema,
  })
  .strict();

const whatIfDrawFields = {
  lineId: id.nullable().default(null),
  amount: validMoneySchema(true),
  periods: z.number().int().min(1).max(12),
  merchantId: id.nullable().default(null),
  feePayer: z.enum(['buyer', 'merchant']).nullable().default(null),
};
/** The draw of a what-if, by product: only a cash loan takes a repayment method. */
const whatIfDraw = (error: z.core.$ZodErrorMap) =>
  z.discriminatedUnion(
    'product',
    [
      z
        .object({
          product: z.literal('installment-purchase'),
          ...whatIfDrawFields,
          repaymentMethod: leftOut('must be null for an installment purchase (a flat-fee plan)'),
        })
        .strict(),
      z
        .object({
          product: z.literal('cash-loan'),
          ...whatIfDrawFields,
          repaymentMethod: z.enum(cashLoanRepaymentMethods).nullable().default(null),
        })
        .strict(),
    ],
    { error },
  );

/**
 * A what-if: the fields of an application.submitted payload that a decision reads (no
 * application or customer id, no line or merchant needed), by kind.
 */
export const whatIfSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('credit-line'),
      applicant: whatIfApplicant,
      creditLine: z
        .object(
          { requestedLimit: validMoneySchema(true) },
          { error: requiredFor('is required for a credit-line application') },
        )
        .strict(),
      draw: leftOut('must be null for a credit-line application'),
    })
    .strict(),
  z
    .object({
      kind: z.literal('draw'),
      applicant: whatIfApplicant,
      creditLine: leftOut('must be null for a draw application'),
      draw: whatIfDraw(requiredFor('is required for a draw application')),
    })
    .strict(),
]);

const reasonSchema = z.object({ code: z.string(), text: z.string() });
const ruleHitSchema = z.object({ code: z.string(), detail: z.string() });
const pointsSchema = z.object({
  field: z.string(),
  bin: z.string(),
  points: z.number(),
  maxPoints: z.number(),
});

export const whatIf = defineRoute({
  operationId: 'whatIf',
  method: 'POST',
  path: '/v1/score',
  summary: 'What-if: score, pd, decision and reasons for a profile (stateless, nothing stored)',
  description:
    'The same scorecard, rules and bands as a real application, without the rules that need history (velocity, existing lines, the line of a draw). 400 VALIDATION.FAILED lists every bad field.',
  tags: ['scoring'],
  role: 'customer',
  body: whatIfSchema,
  responses: {
    200: {
      description: 'the decision it would take',
      body: z.object({
        modelVersion: z.string(),
        score: z.number(),
        pd: z.string(),
        decision: z.enum(['approved', 'declined', 'referred']),
        band: z.enum(['approve', 'refer', 'decline']),
        priceTier: z.string().nullable(),
        reasons: z.array(reasonSchema),
        rulesFired: z.array(ruleHitSchema),
        pointsByAttribute: z.array(pointsSchema),
        creditLine: z.object({ limit: moneyViewSchema, priceTier: z.string() }).nullable(),
        draw: z
          .object({ pricing: drawPricingSchema, merchantFee: moneyViewSchema.nullable() })
          .nullable(),
      }),
    },
  },
});

// ---------------------------------------------------------------- decisions and lines

const decisionViewSchema = z.object({
  applicationId: z.string(),
  customerId: z.string(),
  kind: z.enum(['credit-line', 'draw']),
  decision: z.enum(['approved', 'declined', 'referred']),
  modelVersion: z.string(),
  score: z.number(),
  pd: z.string(),
  priceTier: z.string().nullable(),
  lineId: z.string().nullable(),
  grantedAmount: moneyViewSchema.nullable(),
  reasons: z.array(reasonSchema),
  rulesFired: z.array(ruleHitSchema),
  pointsByAttribute: z.array(pointsSchema),
  submittedOn: z.string(),
  inputs: ApplicationSubmittedV1.schema,
  published: ApplicationDecidedV1.schema,
  sourceEventId: z.string(),
  decidedEventId: z.string(),
  decidedAt: z.string(),
});

export const getDecision = defineRoute({
  operationId: 'getDecision',
  method: 'GET',
  path: '/v1/decisions/{applicationId}',
  summary: 'A decision with everything it was made from (operator)',
  description:
    'The submitted payload, the points of every attribute, the rules that fired with their figures, score, pd, band tier, model version, the reasons and the application.decided payload published.',
  tags: ['decisions'],
  role: 'operator',
  params: z.object({ applicationId: id }),
  responses: { 200: { description: 'the decision', body: decisionViewSchema } },
  errors: { 404: ['SCORING.DECISION_NOT_FOUND'] },
});

export const scoringLineExposure = defineRoute({
  operationId: 'lineExposure',
  method: 'GET',
  path: '/v1/lines/{lineId}/exposure',
  summary: 'What a draw on the line is decided against (operator)',
  description:
    'Limit, principal outstanding, draws in flight and available = limit − principal outstanding − draws in flight, as kept from the loan stream.',
  tags: ['lines'],
  role: 'operator',
  params: z.object({ lineId: id }),
  responses: {
    200: {
      description: "the line's exposure",
      body: z.object({
        lineId: z.string(),
        customerId: z.string(),
        limit: moneyViewSchema,
        principalOutstanding: moneyViewSchema,
        drawsInFlight: moneyViewSchema,
        available: moneyViewSchema,
      }),
    },
  },
  errors: { 404: ['SCORING.LINE_NOT_FOUND'] },
});

// ---------------------------------------------------------------- referrals

const OperatorPattern = /^[A-Za-z0-9._@-]{1,100}$/;
const operatorMessage = 'operator must be 1-100 characters of A-Z a-z 0-9 . _ @ - (who decides)';
const operator = z
  .string({ error: operatorMessage })
  .regex(OperatorPattern, operatorMessage)
  .meta({ description: 'who decides (kept in the audit record)', examples: ['ops.li.wei'] });
const note = absentOr(z.string().min(1).max(500));

export const approveReferralSchema = z
  .object({
    operator,
    priceTier: z
      .enum(ReferralPriceTiers as [string, ...string[]], {
        error: `priceTier must be one of ${ReferralPriceTiers.join(', ')}`,
      })
      .meta({ description: "the price tier granted: that tier's price and limit policy" }),
    limit: absentOr(
      z
        .string({ error: 'limit must be a decimal string such as "15000.00"' })
        .regex(/^\d{1,15}(\.\d{1,6})?$/, 'limit must be a decimal string such as "15000.00"'),
    ).meta({
      description:
        'a credit line: the limit granted (required), at most what the tier grants the applicant and within the exposure cap; a draw: leave out (the amount drawn)',
    }),
    note,
  })
  .strict();
export type ApproveReferralRequest = z.output<typeof approveReferralSchema>;

export const declineReferralSchema = z
  .object({
    operator,
    reasonCode: z.enum(ReferralDeclineReasonCodes as [string, ...string[]], {
      error: `reasonCode must be one of ${ReferralDeclineReasonCodes.join(', ')}`,
    }),
    note,
  })
  .strict();
export type DeclineReferralRequest = z.output<typeof declineReferralSchema>;

const referralViewSchema = z.object({
  applicationId: z.string(),
  status: z.enum(['pending', 'approved', 'declined']),
  decision: decisionViewSchema,
  resolution: z
    .object({
      resolution: z.enum(['approved', 'declined']),
      operator: z.string(),
      apiActor: z.string(),
      reasonCode: z.string().nullable(),
      note: z.string().nullable(),
      grantedAmount: moneyViewSchema.nullable(),
      priceTier: z.string().nullable(),
      referredEventId: z.string(),
      referredAt: z.string(),
      decidedEventId: z.string(),
      resolvedAt: z.string(),
      idempotencyKey: z.string(),
    })
    .nullable(),
});
const referralParams = z.object({ applicationId: id });
const resolutionErrors = {
  404: ['REFERRAL.NOT_FOUND'],
  409: ['REFERRAL.NOT_PENDING', 'REFERRAL.IDEMPOTENCY_CONFLICT'],
} as const;

export const listReferrals = defineRoute({
  operationId: 'listReferrals',
  method: 'GET',
  path: '/v1/referrals',
  summary:
    'The queue of referred applications, oldest first, with their decision records (operator)',
  description:
    'status=pending (default): referrals waiting for an operator; status=resolved: those approved or declined, with the audit record of who decided, when and why.',
  tags: ['referrals'],
  role: 'operator',
  query: z.object({
    status: z.enum(['pending', 'resolved']).default('pending'),
    cursor: z.string().optional(),
    limit: pageLimitSchema(50, ReferralPageMax),
  }),
  responses: {
    200: {
      description: 'a page of referrals',
      body: z.object({ referrals: z.array(referralViewSchema), nextCursor: z.string().nullable() }),
    },
  },
});

export const getReferral = defineRoute({
  operationId: 'getReferral',
  method: 'GET',
  path: '/v1/referrals/{applicationId}',
  summary: 'One referral: its decision record and, once resolved, its audit record',
  tags: ['referrals'],
  role: 'operator',
  params: referralParams,
  responses: { 200: { description: 'the referral', body: referralViewSchema } },
  errors: { 404: resolutionErrors[404] },
});

export const approveReferral = defineRoute({
  operationId: 'approveReferral',
  method: 'POST',
  path: '/v1/referrals/{applicationId}/approve',
  summary: 'Approve a referral at a price tier and (a credit line) a limit within policy',
  description:
    'Publishes application.decided (approved) like an automatic approval: the application records it, a line opens in the ledger, a draw is paid out. 201 with the referral and its audit record; the same Idempotency-Key and body answer 200 (Idempotent-Replayed: true), another body 409. A tier other than A, B, C or a malformed limit is 400, a limit beyond the tier or the exposure cap (or a draw beyond its line) 422, each naming the field; a referral already resolved 409 REFERRAL.NOT_PENDING.',
  tags: ['referrals'],
  role: 'operator',
  params: referralParams,
  idempotencyKey: 'required',
  body: approveReferralSchema,
  responses: replayable(referralViewSchema, 'approved'),
  errors: {
    ...resolutionErrors,
    400: ['REFERRAL.INVALID'],
    422: ['REFERRAL.OUTSIDE_POLICY'],
  },
});

export const declineReferral = defineRoute({
  operationId: 'declineReferral',
  method: 'POST',
  path: '/v1/referrals/{applicationId}/decline',
  summary: 'Decline a referral with a reason code',
  description:
    'Publishes application.decided (declined) with the reason code first among the reasons. 201; the same key and body 200 (Idempotent-Replayed: true), another body 409; an unknown reasonCode 400; a referral already resolved 409 REFERRAL.NOT_PENDING.',
  tags: ['referrals'],
  role: 'operator',
  params: referralParams,
  idempotencyKey: 'required',
  body: declineReferralSchema,
  responses: replayable(referralViewSchema, 'declined'),
  errors: resolutionErrors,
});

export const scoringApi = serviceApi('scoring', {
  title: 'Scoring service',
  description: 'Instant credit decisions from a points-based scorecard and policy rules.',
  tags: {
    scoring: 'What-if decisions, stateless',
    decisions: 'The decisions taken, with everything they were made from',
    lines: 'The exposure of approved credit lines',
    referrals: 'The manual review queue of referred applications',
  },
  routes: [
    whatIf,
    getDecision,
    scoringLineExposure,
    listReferrals,
    getReferral,
    approveReferral,
    declineReferral,
  ],
});
