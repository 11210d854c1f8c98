import { z } from 'zod';
import {
  ApplicantAgeMax,
  ApplicantAgeMin,
  CashLoanTermMonthsMax,
  InstallmentPeriods,
  ageOn,
  applicationKinds,
  applicationStatuses,
  cashLoanRepaymentMethods,
  creditProfileSchema,
  drawPricingSchema,
  isCalendarDate,
  loanProducts,
  ConsentTextVersionLengthMax,
  consentPurposes,
  consentPurposesProblem,
} from '@credit/contracts';
import {
  defineRoute,
  moneyViewSchema,
  replayable,
  requiredFor,
  uuidSchema,
  validMoneySchema,
} from '@credit/platform';
import { personalDataRoutes } from './personal-data';
import { serviceApi } from './service-api';

/** The application service's HTTP API: the schemas validate the input and document every answer. */

export const NameLengthMax = 200;
export const IdLengthMax = 128;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
/** Left out by one variant of a union: absent or null (kept as sent: the request hash reads it). */
const absent = (problem: string) => z.null({ error: problem }).optional();
const idString = z.string().min(1).max(IdLengthMax);

/**
 * The applicant. `name`, `nationalId` and `phone` are personal data: encrypted at rest, masked
 * in logs (these exact names are in the logger's redact paths), never in events. The messages
 * name fields and rules, never the values.
 */
const applicantSchema = (today: () => string) =>
  z
    .object({
      name: z
        .string()
        .min(1)
        .max(NameLengthMax)
        .regex(/\S/, 'must not be blank')
        .meta({ examples: ['Li Wei'] }),
      nationalId: z
        .string()
        .regex(
          /^[0-9A-Za-z][0-9A-Za-z -]{3,30}[0-9A-Za-z]$/,
          'must be 5-32 letters and digits (spaces and hyphens allowed inside)',
        )
        .meta({ description: 'national ID number' }),
      phone: z
        .string()
        .regex(
          /^\+?[0-9]{6,15}$/,
          'must be a phone number of 6-15 digits, optionally starting with +',
        ),
      age: z
        .number()
        .int()
        .min(ApplicantAgeMin)
        .max(ApplicantAgeMax)
        .nullish()
        .meta({ description: 'age in years; give age or dateOfBirth' }),
      dateOfBirth: z
        .string({ error: 'must be a date such as 1990-05-17' })
        .superRefine((dateOfBirth, ctx) => {
          const on = today();
          if (!isCalendarDate(dateOfBirth) || dateOfBirth > on) {
            ctx.addIssue({ code: 'custom', message: 'must be a past date such as 1990-05-17' });
            return;
          }
          const age = ageOn(dateOfBirth, on);
          if (age < ApplicantAgeMin)
            ctx.addIssue({
              code: 'custom',
              message: `must be at least ${ApplicantAgeMin} years ago`,
            });
          if (age > ApplicantAgeMax)
            ctx.addIssue({
              code: 'custom',
              message: `must be at most ${ApplicantAgeMax} years ago`,
            });
        })
        .nullish()
        .meta({ description: 'date of birth (only the age is kept); give age or dateOfBirth' }),
      monthlyIncome: validMoneySchema(false),
      monthlyDebtPayments: validMoneySchema(false).meta({
        description: 'existing monthly debt payments',
      }),
      profile: creditProfileSchema,
    })
    .strict()
    .refine((applicant) => (applicant.age == null) !== (applicant.dateOfBirth == null), {
      message: 'give exactly one of age and dateOfBirth',
      path: ['age'],
      // Checked even when other fields are bad: every problem in one answer.
      when: ({ value }) => isObject(value),
    });

const drawFields = {
  lineId: idString.meta({ description: 'an approved credit line of the applicant' }),
  amount: validMoneySchema(true),
};

/** A draw on a line, by product: what an installment purchase needs, what a cash loan may not have. */
const drawSchema = z.discriminatedUnion(
  'product',
  [
    z
      .object({
        ...drawFields,
        product: z.literal('installment-purchase'),
        periods: z
          .number()
          .int()
          .refine((periods) => (InstallmentPeriods as readonly number[]).includes(periods), {
            error: `must be one of ${InstallmentPeriods.join(', ')} for an installment purchase`,
          }),
        merchantId: z
          .string({ error: requiredFor('is required for an installment purchase') })
          .min(1)
          .max(IdLengthMax),
        feePayer: z
          .enum(['buyer', 'merchant'], {
            error: requiredFor('is required for an installment purchase'),
          })
          .meta({ description: 'who pays the plan fee' }),
        repaymentMethod: absent(
          'must be absent for an installment purchase (a flat-fee plan); it applies to cash loans',
        ),
      })
      .strict(),
    z
      .object({
        ...drawFields,
        product: z.literal('cash-loan'),
        periods: z
          .number()
          .int()
          .min(1, `must be a term of 1-${CashLoanTermMonthsMax} months for a cash loan`)
          .max(
            CashLoanTermMonthsMax,
            `must be a term of 1-${CashLoanTermMonthsMax} months for a cash loan`,
          ),
        merchantId: absent('must be absent for a cash loan'),
        feePayer: absent('must be absent for a cash loan (no plan fee)'),
        repaymentMethod: z.enum(cashLoanRepaymentMethods).nullish().meta({
          description:
            'daily-interest (default), equal-installment (等额本息) or equal-principal (等额本金); priced by the score band',
        }),
      })
      .strict(),
  ],
  { error: requiredFor('is required for a draw application') },
);

/** What the applicant consented to (PIPL): required; stored with the time it was given. */
const consentSchema = z
  .object(
    {
      purposes: z
        .array(z.enum(consentPurposes))
        .min(1)
        .superRefine((purposes, ctx) => {
          const problem = consentPurposesProblem(purposes);
          if (problem) ctx.addIssue({ code: 'custom', message: problem });
        })
        .meta({ description: 'the purposes consented to; credit-assessment is required' }),
      textVersion: z
        .string()
        .min(1)
        .max(ConsentTextVersionLengthMax)
        .meta({ description: 'the version of the consent text shown', examples: ['2026-01'] }),
    },
    { error: requiredFor('is required: the purposes consented to and the consent text version') },
  )
  .strict();

/** One application, one currency: income, debts and the amount asked for. */
function oneCurrency(body: unknown, ctx: z.RefinementCtx): void {
  if (!isObject(body) || !isObject(body.applicant)) return;
  const currencyOf = (money: unknown) =>
    isObject(money) && typeof money.currency === 'string' ? money.currency : undefined;
  const income = currencyOf(body.applicant.monthlyIncome);
  if (!income) return;
  const others: [string[], unknown][] = [
    [['applicant', 'monthlyDebtPayments', 'currency'], body.applicant.monthlyDebtPayments],
    [
      ['creditLine', 'requestedLimit', 'currency'],
      body.kind === 'credit-line' && isObject(body.creditLine)
        ? body.creditLine.requestedLimit
        : undefined,
    ],
    [
      ['draw', 'amount', 'currency'],
      body.kind === 'draw' && isObject(body.draw) ? body.draw.amount : undefined,
    ],
  ];
  for (const [path, money] of others) {
    const currency = currencyOf(money);
    if (currency && currency !== income)
      ctx.addIssue({
        code: 'custom',
        message: `must be ${income}, the currency of applicant.monthlyIncome`,
        path,
      });
  }
}

/**
 * POST /v1/applications: a credit line (creditLine) or a draw on an approved line (draw), told
 * apart by `kind`. `today` dates the date of birth.
 */
export const submitApplicationSchema = (today: () => string) =>
  z
    .discriminatedUnion('kind', [
      z
        .object({
          kind: z.literal('credit-line'),
          applicant: applicantSchema(today),
          consent: consentSchema,
          creditLine: z
            .object(
              { requestedLimit: validMoneySchema(true) },
              { error: requiredFor('is required for a credit-line application') },
            )
            .strict(),
          draw: absent('must be absent for a credit-line application'),
        })
        .strict(),
      z
        .object({
          kind: z.literal('draw'),
          applicant: applicantSchema(today),
          consent: consentSchema,
          creditLine: absent('must be absent for a draw application'),
          draw: drawSchema,
        })
        .strict(),
    ])
    .superRefine((body, ctx) => oneCurrency(body, ctx), {
      // Checked even when other fields are bad: every problem in one answer.
      when: ({ value }) => isObject(value),
    });
export type SubmitApplicationRequest = z.output<ReturnType<typeof submitApplicationSchema>>;

const todayUtc = () => new Date().toISOString().slice(0, 10);

const applicationViewSchema = z.object({
  applicationId: z.string(),
  kind: z.enum(applicationKinds),
  customerId: z.string(),
  status: z.enum(applicationStatuses),
  decision: z.enum(applicationStatuses).nullable().meta({ description: 'null while submitted' }),
  lineId: z.string().nullable().meta({
    description: 'the line: the one granted (credit line) or drawn on (draw)',
  }),
  limit: moneyViewSchema.nullable().meta({ description: 'the approved limit of a credit line' }),
  price: z
    .union([
      z.object({ priceTier: z.string().nullable() }),
      z.object({ pricing: drawPricingSchema.nullable(), merchantFee: moneyViewSchema.nullable() }),
    ])
    .nullable(),
  reasonCodes: z.array(z.string()),
  reasons: z.array(z.object({ code: z.string(), text: z.string() })),
  modelVersion: z.string().nullable(),
  score: z.number().nullable(),
  request: z.object({
    creditLine: z.object({ requestedLimit: moneyViewSchema.nullable() }).nullable(),
    draw: z
      .object({
        lineId: z.string().nullable(),
        product: z.enum(loanProducts).nullable(),
        amount: moneyViewSchema.nullable(),
        periods: z.number().int().nullable(),
        merchantId: z.string().nullable(),
        feePayer: z.enum(['buyer', 'merchant']).nullable(),
        repaymentMethod: z.enum(cashLoanRepaymentMethods).nullable(),
      })
      .nullable(),
  }),
  submittedAt: z.string(),
  decidedAt: z.string().nullable(),
});

export const submitApplication = defineRoute({
  operationId: 'submitApplication',
  method: 'POST',
  path: '/v1/applications',
  summary: 'Apply for a credit line, or for a draw (installment purchase, cash loan) on one',
  description:
    'Every invalid field is listed in one 400. Name, national ID and phone are encrypted at rest and never leave the service; events name the customer by a customer id derived from the national ID. The same key with the same content answers 200 with the same application (Idempotent-Replayed: true); with other content 409. A customer applies only as themselves: a national ID other than that of the customer the token names is 403 APPLICATION.APPLICANT_NOT_CALLER (operators may apply for anyone). A draw on a line that is not an approved line of the same customer is 422 APPLICATION.LINE_NOT_AVAILABLE.',
  tags: ['applications'],
  role: 'customer',
  idempotencyKey: 'required',
  body: submitApplicationSchema(todayUtc),
  responses: replayable(applicationViewSchema, 'submitted'),
  errors: {
    403: ['APPLICATION.APPLICANT_NOT_CALLER'],
    409: ['APPLICATION.IDEMPOTENCY_CONFLICT'],
    422: [
      'APPLICATION.LINE_NOT_AVAILABLE',
      'APPLICATION.DRAW_CURRENCY_MISMATCH',
      'APPLICATION.DRAW_EXCEEDS_LIMIT',
    ],
  },
});

export const getApplication = defineRoute({
  operationId: 'getApplication',
  method: 'GET',
  path: '/v1/applications/{id}',
  summary:
    'An application: status (submitted, approved, declined, referred), limit or price, reason codes, model version, score, line',
  tags: ['applications'],
  role: 'customer',
  params: z.object({ id: uuidSchema }),
  responses: { 200: { description: 'the application', body: applicationViewSchema } },
  errors: { 404: ['APPLICATION.NOT_FOUND'] },
});

export const getCreditLine = defineRoute({
  operationId: 'getCreditLine',
  method: 'GET',
  path: '/v1/lines/{lineId}',
  summary: 'A credit line opened by an approved credit-line application: limit and status',
  tags: ['credit lines'],
  role: 'customer',
  params: z.object({ lineId: idString }),
  responses: {
    200: {
      description: 'the line',
      body: z.object({
        lineId: z.string(),
        customerId: z.string(),
        status: z.enum(['active', 'closed']),
        limit: moneyViewSchema,
        priceTier: z.string(),
        applicationId: z.string(),
        openedAt: z.string(),
      }),
    },
  },
  errors: { 404: ['APPLICATION.LINE_NOT_FOUND'] },
});

export const applicationApi = serviceApi('application', {
  title: 'Application service',
  description: 'Credit line and draw applications: intake, validation and status.',
  tags: {
    applications: 'Applications for a credit line or a draw on one',
    'credit lines': 'The credit lines opened by approved applications',
    'personal data': "A customer's personal-data rights: access, erasure; key rotation",
  },
  routes: [submitApplication, getApplication, getCreditLine, ...personalDataRoutes],
});
