import { z } from 'zod';
import { CURRENCY_CODES, isCurrencyCode } from '@credit/money';
import { businessDateSchema, defineRoute } from '@credit/platform';
import { serviceApi } from './service-api';

/** The portfolio service's HTTP API: the schemas validate the input and document every answer. */

/** Report formats: JSON (default) or CSV. */
export const ReportFormats = ['json', 'csv'] as const;
export type ReportFormat = (typeof ReportFormats)[number];

/** A calendar month `YYYY-MM` from 1970 to 2199, as the reports take month ends. */
const monthSchema = (field: string) =>
  z
    .string()
    .regex(
      /^(19[7-9]\d|2[01]\d\d)-(0[1-9]|1[0-2])$/,
      `${field} must be a month YYYY-MM (1970-01..2199-12)`,
    );

const currencyQuery = z
  .string()
  .refine(isCurrencyCode, `must be one of ${CURRENCY_CODES.join(', ')}`)
  .default('CNY');

/** A report's query: what it is of (a date, months), then the currency and the format. */
const reportQuery = <T extends z.ZodRawShape>(shape: T) =>
  z
    .object({ ...shape, currency: currencyQuery, format: z.enum(ReportFormats).default('json') })
    .strict();

const thresholdRate = z.object({
  loans: z.number().int(),
  outstanding: z.string(),
  byCount: z.string(),
  byBalance: z.string(),
});

export const delinquencyReport = defineRoute({
  operationId: 'delinquencyReport',
  method: 'GET',
  path: '/v1/portfolio/delinquency',
  summary:
    'Delinquency of the active book on a date: 1+, 30+ and 90+ by count and balance (operator)',
  description:
    'The book on `asOf` is each loan as of the latest business date on or before it that its servicing was processed through (the repayment changelog). "30+" counts loans more than 30 days past due (the 31–60 bucket and worse), "90+" more than 90. Rates are shares of the active loans (byCount) and of their outstanding principal, interest, fee and penalty (byBalance), to 6 places, half-even. `format=csv` answers the same as CSV.',
  tags: ['reports'],
  role: 'operator',
  query: reportQuery({ asOf: businessDateSchema('asOf') }),
  responses: {
    200: {
      description: 'the rates (JSON, or CSV with format=csv)',
      content: ['text/csv'],
      body: z.object({
        asOf: z.string(),
        currency: z.string(),
        loans: z.number().int(),
        outstanding: z.string(),
        rates: z.object({ '1+': thresholdRate, '30+': thresholdRate, '90+': thresholdRate }),
      }),
    },
  },
});

const rollRateCell = z.object({
  loans: z.number().int(),
  balance: z.string(),
  byCount: z.string(),
  byBalance: z.string(),
});

export const rollRateReport = defineRoute({
  operationId: 'rollRateReport',
  method: 'GET',
  path: '/v1/portfolio/roll-rates',
  summary: 'Roll rates: the bucket-to-bucket matrix between two month ends (operator)',
  description:
    'Each row is a delinquency bucket (current, 1-30, 31-60, 61-90, 90+) of the loans active at the end of `from`; each column where those loans stand at the end of `to` (a bucket, paid-off or charged-off), by count and by the balance they had at the end of `from`, to 6 places, half-even. Loans opened between the two are not in it. `format=csv` answers one line per cell.',
  tags: ['reports'],
  role: 'operator',
  query: reportQuery({ from: monthSchema('from'), to: monthSchema('to') }).refine(
    (q) => q.from < q.to,
    { message: 'to must be a later month than from', path: ['to'] },
  ),
  responses: {
    200: {
      description: 'the matrix (JSON, or CSV with format=csv)',
      content: ['text/csv'],
      body: z.object({
        from: z.string(),
        to: z.string(),
        currency: z.string(),
        rows: z.array(
          z.object({
            from: z.string(),
            loans: z.number().int(),
            balance: z.string(),
            to: z.record(z.string(), rollRateCell),
          }),
        ),
      }),
    },
  },
});

const concentrationGroup = z.object({
  key: z.string(),
  loans: z.number().int(),
  outstanding: z.string(),
  share: z.string(),
});

export const concentrationReport = defineRoute({
  operationId: 'concentrationReport',
  method: 'GET',
  path: '/v1/portfolio/concentration',
  summary: 'Concentration of the active book by product and by score band (operator)',
  description:
    "The active book on `asOf` (as for delinquency): loans and outstanding by product and by the score band of each loan's decision (A from 560 points, B from 520, C from 506, R the referred band 486–505, E below; `none` for a loan whose decision the service has not read), with each group's share of the outstanding, to 6 places, half-even. `format=csv` answers one line per group.",
  tags: ['reports'],
  role: 'operator',
  query: reportQuery({ asOf: businessDateSchema('asOf') }),
  responses: {
    200: {
      description: 'the groups (JSON, or CSV with format=csv)',
      content: ['text/csv'],
      body: z.object({
        asOf: z.string(),
        currency: z.string(),
        loans: z.number().int(),
        outstanding: z.string(),
        byProduct: z.array(concentrationGroup),
        byScoreBand: z.array(concentrationGroup),
      }),
    },
  },
});

export const vintageReport = defineRoute({
  operationId: 'vintageReport',
  method: 'GET',
  path: '/v1/portfolio/vintages',
  summary: 'Vintage curves: cumulative 30+ and charge-off rate by months on book (operator)',
  description:
    "One curve per origination month (the month of the loan's start date) up to the end of `asOf`: for each month on book (0 = the origination month), the share of the vintage's loans (byCount) and principal (byBalance) that had been more than 30 days past due by that month's end, and the principal written off by then over the vintage's principal, to 6 places, half-even. `format=csv` answers one line per vintage and month on book.",
  tags: ['reports'],
  role: 'operator',
  query: reportQuery({ asOf: monthSchema('asOf') }),
  responses: {
    200: {
      description: 'the curves (JSON, or CSV with format=csv)',
      content: ['text/csv'],
      body: z.object({
        asOf: z.string(),
        currency: z.string(),
        curves: z.array(
          z.object({
            originationMonth: z.string(),
            loans: z.number().int(),
            principal: z.string(),
            points: z.array(
              z.object({
                monthsOnBook: z.number().int(),
                ever30PlusByCount: z.string(),
                ever30PlusByBalance: z.string(),
                chargeOffRate: z.string(),
              }),
            ),
          }),
        ),
      }),
    },
  },
});

export const modelStabilityReport = defineRoute({
  operationId: 'modelStabilityReport',
  method: 'GET',
  path: '/v1/portfolio/model-stability',
  summary: "Population stability of a model's live scores against its training sample (operator)",
  description:
    "The scores of the decisions a scorecard made from `from` to `to` (UTC dates, both included) counted into the bins of its training sample's scores (decile cut points, announced by the scoring service in `model.deployed`), and the population stability index Σ (actual − expected) × ln(actual / expected) over the bins, an empty bin counted as 0.0001, to 6 places, half-even: below 0.1 `stable`, to 0.25 `shifting`, above `shifted`. `modelVersion` defaults to the latest model announced. A model not announced is a 404; a window without a scored decision is a 422. `format=csv` answers one line per bin.",
  tags: ['reports'],
  role: 'operator',
  query: z
    .object({
      from: businessDateSchema('from'),
      to: businessDateSchema('to'),
      modelVersion: z
        .string()
        .regex(/^scorecard-v\d+$/, 'modelVersion must be a scorecard version, e.g. scorecard-v1')
        .optional(),
      format: z.enum(ReportFormats).default('json'),
    })
    .strict()
    .refine((q) => q.from <= q.to, { message: 'to must not be before from', path: ['to'] }),
  responses: {
    200: {
      description: 'the index and the bins (JSON, or CSV with format=csv)',
      content: ['text/csv'],
      body: z.object({
        modelVersion: z.string(),
        from: z.string(),
        to: z.string(),
        reference: z.object({ population: z.string(), scores: z.number().int() }),
        liveScores: z.number().int(),
        index: z.string(),
        reading: z.enum(['stable', 'shifting', 'shifted']),
        scoreBins: z.array(
          z.object({
            from: z.number().int().nullable(),
            below: z.number().int().nullable(),
            expected: z.number().int(),
            actual: z.number().int(),
            expectedShare: z.string(),
            actualShare: z.string(),
          }),
        ),
      }),
    },
  },
  errors: { 404: ['MODEL.NOT_DEPLOYED'], 422: ['MODEL.NO_LIVE_SCORES'] },
});

export const portfolioApi = serviceApi('portfolio', {
  title: 'Portfolio service',
  description:
    'Post-loan monitoring fed only by events: the book by loan and business date, its delinquency, and (to come) roll rates, vintages, provisions and stress tests.',
  tags: { reports: 'Portfolio reports' },
  routes: [
    delinquencyReport,
    rollRateReport,
    concentrationReport,
    vintageReport,
    modelStabilityReport,
  ],
});
