import { z } from 'zod';
import { dayCountConventions, loanTermsSchema, repaymentMethods } from '@credit/contracts';
import {
  absentOr,
  actorSchema,
  businessDateSchema,
  currencyCodeSchema,
  defineRoute,
  replayable,
  pageLimitSchema,
  unsignedDecimalSchema,
} from '@credit/platform';
import { serviceApi } from './service-api';

/** The repayment service's HTTP API: the schemas validate the input and document every answer. */

/** Loans per page of the receivables listing at most. */
export const ReceivablesPageMax = 1000;
/**
 * How far past the current business date a date given over HTTP may reach (a payoff quote's
 * date, a close of business): the work they do grows with the days rolled forward.
 */
export const BusinessDaysAheadMax = 731;

const RatePattern = /^(0|[1-9]\d{0,2})(\.\d{1,10})?$/;
const rate = (field: string, example: string) =>
  absentOr(
    z.string().regex(RatePattern, `${field} must be a decimal rate such as "${example}"`),
  ).meta({ examples: [example] });
const components = {
  principal: z.string(),
  interest: z.string(),
  fee: z.string(),
  penalty: z.string(),
};
const loanIdParams = z.object({ id: z.string().min(1).max(128) });

export const repaymentSchema = z
  .object({
    amount: unsignedDecimalSchema('341.66').meta({
      description: 'decimal string, > 0, at most the currency scale',
    }),
    currency: currencyCodeSchema,
  })
  .strict();
export type RepaymentRequest = z.output<typeof repaymentSchema>;

export const repaymentViewSchema = z.object({
  repaymentId: z.string(),
  loanId: z.string(),
  businessDate: z.string(),
  amount: z.string(),
  currency: z.string(),
  allocation: z.object({
    ...components,
    overpayment: z.string(),
    recovery: z.string(),
  }),
  payoff: z.boolean(),
  loanStatus: z.string(),
});
export type RepaymentView = z.infer<typeof repaymentViewSchema>;

export const quoteSchema = z
  .object({
    method: z.enum(repaymentMethods, {
      error: `method must be one of ${repaymentMethods.join(', ')}`,
    }),
    principal: unsignedDecimalSchema('1000.00'),
    currency: currencyCodeSchema,
    periods: z.number({ error: 'periods must be a whole number' }).int().min(1).max(360),
    annualRate: rate('annualRate', '0.049'),
    dailyRate: rate('dailyRate', '0.0005'),
    feeRate: rate('feeRate', '0.025'),
    feePayer: absentOr(z.enum(['buyer', 'merchant'])),
    dayCount: absentOr(z.enum(dayCountConventions)).meta({
      description:
        'defaults to 30/360 for equal-installment and equal-principal, ACT/365 otherwise',
    }),
    startDate: absentOr(businessDateSchema('startDate')).meta({ description: 'defaults to today' }),
  })
  .strict();

const scheduleSchema = z.object({
  currency: z.string(),
  startDate: z.string(),
  principal: z.string(),
  disbursed: z.string(),
  installments: z.array(
    z.object({
      period: z.number().int(),
      dueDate: z.string(),
      principal: z.string(),
      interest: z.string(),
      fee: z.string(),
      total: z.string(),
      balance: z.string(),
    }),
  ),
  totals: z.object({
    principal: z.string(),
    interest: z.string(),
    fee: z.string(),
    total: z.string(),
  }),
  apr: z.string(),
  nominalApr: z.string(),
});

const loanViewSchema = z.object({
  id: z.string(),
  customerId: z.string(),
  lineId: z.string().nullable(),
  product: z.string(),
  status: z.string(),
  currency: z.string(),
  principal: z.string(),
  apr: z.string(),
  terms: loanTermsSchema,
  businessDate: z.string(),
  daysPastDue: z.number().int(),
  delinquencyBucket: z.string(),
  outstanding: z.object({ ...components, total: z.string() }),
  customerCredit: z.string(),
  closedOn: z.string().nullable(),
  nextDue: z
    .object({ period: z.number().int(), dueDate: z.string(), amount: z.string() })
    .nullable(),
  installments: z.array(
    z.object({
      period: z.number().int(),
      dueDate: z.string(),
      principal: z.string(),
      interest: z.string(),
      fee: z.string(),
      total: z.string(),
      paid: z.object({ principal: z.string(), interest: z.string(), fee: z.string() }),
      status: z.string(),
      paidOn: z.string().nullable(),
    }),
  ),
});

// ---------------------------------------------------------------- routes

export const listLoans = defineRoute({
  operationId: 'listLoans',
  method: 'GET',
  path: '/v1/loans',
  summary: 'Every loan with the receivables the ledger should carry for it, by cursor (operator)',
  description:
    'For reconciliation: principal, interest, fee and penalty outstanding as this service knows them; zero after a charge-off (the ledger has written them off).',
  tags: ['loans'],
  role: 'operator',
  query: z.object({
    cursor: z.string().optional(),
    limit: pageLimitSchema(200, ReceivablesPageMax),
  }),
  responses: {
    200: {
      description: 'a page of loans',
      body: z.object({
        loans: z.array(
          z.object({
            loanId: z.string(),
            status: z.string(),
            currency: z.string(),
            receivables: z.object(components),
          }),
        ),
        nextCursor: z.string().nullable(),
      }),
    },
  },
});

export const getLoan = defineRoute({
  operationId: 'getLoan',
  method: 'GET',
  path: '/v1/loans/{id}',
  summary:
    'A loan: schedule with each installment state, outstanding by component, days past due, bucket, next due',
  tags: ['loans'],
  role: 'customer',
  params: loanIdParams,
  responses: { 200: { description: 'the loan', body: loanViewSchema } },
  errors: { 404: ['REPAYMENT.LOAN_NOT_FOUND'] },
});

export const repayLoan = defineRoute({
  operationId: 'repayLoan',
  method: 'POST',
  path: '/v1/loans/{id}/repayments',
  summary: 'Repay: allocated by the waterfall; an amount covering the payoff settles the loan',
  description:
    'Past-due penalty → interest → fee → principal, then due fee → interest → principal (90+ days past due: principal first). A daily-interest loan may prepay principal at any time. Anything left becomes a customer credit balance. The split is published as repayment.allocated and posted by the ledger.',
  tags: ['loans'],
  role: 'customer',
  params: loanIdParams,
  idempotencyKey: 'required',
  body: repaymentSchema,
  responses: replayable(repaymentViewSchema, 'the repayment'),
  errors: {
    404: ['REPAYMENT.LOAN_NOT_FOUND'],
    409: ['REPAYMENT.IDEMPOTENCY_CONFLICT', 'REPAYMENT.LOAN_CLOSED', 'REPAYMENT.NOT_STARTED'],
    422: ['REPAYMENT.CURRENCY_MISMATCH'],
  },
});

export const payoffQuote = defineRoute({
  operationId: 'payoffQuote',
  method: 'POST',
  path: '/v1/loans/{id}/payoff-quote',
  summary: 'What settles the loan on a date: principal, interest to that date, fees, penalties',
  tags: ['loans'],
  role: 'customer',
  params: loanIdParams,
  query: z.object({
    date: businessDateSchema('date')
      .optional()
      .meta({
        description: `YYYY-MM-DD, not before the business date nor more than ${BusinessDaysAheadMax} days after it; defaults to it`,
      }),
  }),
  responses: {
    201: {
      description: 'the payoff quote',
      body: z.object({
        loanId: z.string(),
        date: z.string(),
        currency: z.string(),
        ...components,
        total: z.string(),
        note: z.string(),
      }),
    },
  },
  errors: { 404: ['REPAYMENT.LOAN_NOT_FOUND'], 409: ['REPAYMENT.LOAN_CLOSED'] },
});

export const quoteSchedule = defineRoute({
  operationId: 'quoteSchedule',
  method: 'POST',
  path: '/v1/quotes',
  summary: 'Quote a schedule and its APR (stateless)',
  description:
    'The APR is the effective annual rate of every cash flow, fees included: (1 + monthly IRR)^12 − 1. A flat-fee plan takes its fee rate from the plan table (3: 2.5 %, 6: 4.5 %, 12: 8.8 %) unless feeRate is given.',
  tags: ['quotes'],
  role: 'customer',
  body: quoteSchema,
  responses: {
    201: { description: 'the schedule', body: scheduleSchema.extend({ terms: loanTermsSchema }) },
  },
});

export const repaymentLineExposure = defineRoute({
  operationId: 'lineExposure',
  method: 'GET',
  path: '/v1/lines/{lineId}/exposure',
  summary: 'What is drawn on a revolving line: principal outstanding of its active loans',
  description:
    "A draw raises it, principal repaid lowers it again; the line's available limit is its limit (application service) minus this. A customer sees only their own loans: another customer's line answers as an unknown one (nothing drawn).",
  tags: ['loans'],
  role: 'customer',
  params: z.object({ lineId: z.string().min(1).max(128) }),
  responses: {
    200: {
      description: 'principal outstanding per currency',
      body: z.object({
        lineId: z.string(),
        drawn: z.array(
          z.object({
            currency: z.string(),
            principalOutstanding: z.string(),
            activeLoans: z.number().int(),
          }),
        ),
      }),
    },
  },
});

export const closeBusinessDay = defineRoute({
  operationId: 'closeBusinessDay',
  method: 'POST',
  path: '/v1/close-of-business',
  summary: 'Close a business date now (operator); running a date twice changes nothing',
  description:
    'Accrues interest, charges fees and installments falling due, assesses penalties, updates delinquency and charges off at the configured days past due, for every active loan through the date. Closing a future date moves business time forward (tests use it).',
  tags: ['close of business'],
  role: 'operator',
  body: z
    .object({
      businessDate: businessDateSchema('businessDate').meta({
        description: `the business date to close (idempotent by date), at most ${BusinessDaysAheadMax} days after the current business date`,
      }),
    })
    .strict(),
  responses: {
    201: {
      description: 'the report',
      body: z.object({
        businessDate: z.string(),
        alreadyClosed: z.boolean(),
        loansClosed: z.number().int(),
        events: z.record(z.string(), z.number().int()),
        closedBy: actorSchema(
          'who closed the date (the first close when it was closed before; system:repayment for the scheduled close)',
        ),
      }),
    },
  },
});

export const repaymentApi = serviceApi('repayment', {
  title: 'Repayment service',
  description: 'Schedules, repayments by waterfall, accrual and delinquency.',
  tags: {
    loans: 'Loans, repayments, payoff quotes and line exposure',
    quotes: 'Stateless schedule and APR quotes',
    'close of business': 'The daily close: accrual, fees, penalties, delinquency',
  },
  routes: [
    listLoans,
    getLoan,
    repayLoan,
    payoffQuote,
    quoteSchedule,
    repaymentLineExposure,
    closeBusinessDay,
  ],
});
