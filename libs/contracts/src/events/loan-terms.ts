import { z } from 'zod';
import { businessDate } from './fields';

// The products and the price a loan is granted on: shared by the draw an application asks for,
// the decision that prices it and the loan that carries it.

export const loanProducts = ['installment-purchase', 'cash-loan'] as const;
export type LoanProduct = (typeof loanProducts)[number];
export const loanProductSchema = z.enum(loanProducts);

/** How a loan is repaid; the repayment service builds the schedule from these terms. */
export const repaymentMethods = [
  'flat-fee',
  'equal-installment',
  'equal-principal',
  'daily-interest',
] as const;
export type RepaymentMethod = (typeof repaymentMethods)[number];
/**
 * How a cash loan is repaid, chosen by the borrower at the draw: daily interest on the outstanding
 * principal (日息, the default), equal installments (等额本息) or equal principal (等额本金).
 */
export const cashLoanRepaymentMethods = [
  'daily-interest',
  'equal-installment',
  'equal-principal',
] as const;
export type CashLoanRepaymentMethod = (typeof cashLoanRepaymentMethods)[number];
export const dayCountConventions = ['ACT/365', 'ACT/360', '30/360'] as const;
export type DayCountConvention = (typeof dayCountConventions)[number];

/** Who pays an installment plan's fee; null when the plan has none. */
export const feePayerSchema = z.enum(['buyer', 'merchant']).nullable();

/** A rate as a decimal string: "0.049" is 4.9 %. Never a JSON number. */
export const rateSchema = z
  .string()
  .regex(/^(0|[1-9]\d{0,2})(\.\d{1,10})?$/, 'must be a decimal rate such as "0.049"');

/** The price a draw is granted at: the loan terms without the start date (set at payout). */
export const drawPricingSchema = z
  .object({
    method: z.enum(repaymentMethods),
    periods: z.number().int().min(1).max(360),
    /** Nominal annual rate for equal-installment and equal-principal loans. */
    annualRate: rateSchema.nullable(),
    /** Daily rate for daily-interest cash loans, e.g. "0.0005". */
    dailyRate: rateSchema.nullable(),
    /** Total plan fee rate of a flat-fee installment plan, e.g. "0.025" for 3 periods. */
    feeRate: rateSchema.nullable(),
    feePayer: feePayerSchema,
    dayCount: z.enum(dayCountConventions),
    /** Penalty interest per day on overdue principal, e.g. "0.0005". */
    penaltyDailyRate: rateSchema,
  })
  .strict();
export type DrawPricing = z.infer<typeof drawPricingSchema>;

/** The product terms a loan was granted on, fixed at disbursement. */
export const loanTermsSchema = drawPricingSchema
  .extend({
    /** The business date the money went out; the schedule counts from it. */
    startDate: businessDate,
  })
  .strict()
  .superRefine((terms, ctx) => {
    const need = (field: 'annualRate' | 'dailyRate' | 'feeRate' | 'feePayer', why: string) => {
      if (terms[field] === null)
        ctx.addIssue({ code: 'custom', message: `${field} is required ${why}`, path: [field] });
    };
    if (terms.method === 'flat-fee') {
      need('feeRate', 'for a flat-fee plan');
      need('feePayer', 'for a flat-fee plan');
    }
    if (terms.method === 'equal-installment' || terms.method === 'equal-principal') {
      need('annualRate', `for ${terms.method}`);
    }
    if (terms.method === 'daily-interest') need('dailyRate', 'for a daily-interest loan');
  });
export type LoanTerms = z.infer<typeof loanTermsSchema>;
