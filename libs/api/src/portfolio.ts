import { z } from 'zod';
import { CURRENCY_CODES, isCurrencyCode } from '@credit/money';
import { businessDateSchema, defineRoute } from '@credit/platform';
import { serviceApi } from './service-api';

/** The portfolio service's HTTP API: the schemas validate the input and document every answer. */

/** Report formats: JSON (default) or CSV. */
export const ReportFormats = ['json', 'csv'] as const;
export type ReportFormat = (typeof ReportFormats)[number];

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
  query: z
    .object({
      asOf: businessDateSchema('asOf'),
      currency: z
        .string()
        .refine(isCurrencyCode, `must be one of ${CURRENCY_CODES.join(', ')}`)
        .default('CNY'),
      format: z.enum(ReportFormats).default('json'),
    })
    .strict(),
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

export const portfolioApi = serviceApi('portfolio', {
  title: 'Portfolio service',
  description:
    'Post-loan monitoring fed only by events: the book by loan and business date, its delinquency, and (to come) roll rates, vintages, provisions and stress tests.',
  tags: { reports: 'Portfolio reports' },
  routes: [delinquencyReport],
});
