import { Money, isMoneyError } from '@credit/money';
import {
  CheckingStatuses,
  CreditHistories,
  EmploymentSince,
  Housings,
  Jobs,
  OtherParties,
  OtherPaymentPlans,
  OwnTelephones,
  PropertyMagnitudes,
  Purposes,
  SavingsStatuses,
} from '@credit/scorecard';
import { z } from 'zod';
import { EventCatalog, defineEvent, type EventDefinition } from './catalog';
import { decimalStringSchema, moneySchema, type MoneyDto } from './money-schema';
import { Topics } from './topics';

// ---------------------------------------------------------------- shared field schemas

export const EventIdLengthMax = 128;
/** Lines per ledger entry, as the ledger enforces (`EntryLinesMax`). */
export const LedgerEntryLinesMax = 50;
export const LedgerAccountIdLengthMax = 200;

/** An aggregate or reference id: a non-empty string of at most 128 characters. */
const id = z.string().min(1).max(EventIdLengthMax);
const timestamp = z.iso.datetime({ offset: true });
const businessDate = z.iso.date();

/** The Money an amount denotes, or undefined when it is not valid money (unknown currency, scale). */
function moneyOf(dto: MoneyDto): Money | undefined {
  try {
    return Money.fromJSON(dto);
  } catch (error) {
    if (isMoneyError(error)) return undefined;
    throw error;
  }
}

/** Money on the wire that the money library accepts: a known currency, at most its scale. */
const validMoney = moneySchema.strict().superRefine((dto, ctx) => {
  try {
    Money.fromJSON(dto);
  } catch (error) {
    if (!isMoneyError(error)) throw error;
    ctx.addIssue({ code: 'custom', message: error.message });
  }
});

/** An amount that cannot be below zero: components, fees, allocations. */
const nonNegativeMoney = validMoney.refine(
  (dto) => moneyOf(dto)?.isNegative() !== true,
  'must not be negative',
);
/** The amount an event is about: strictly greater than zero. */
const positiveMoney = validMoney.refine(
  (dto) => moneyOf(dto)?.isPositive() !== false,
  'must be greater than zero',
);

/**
 * Each event's money fields share one currency: an event never mixes currencies, and the ledger
 * posts one event as one single-currency entry.
 */
function sameCurrency(
  amounts: readonly (MoneyDto | null)[],
  ctx: z.RefinementCtx,
  path: readonly (string | number)[] = [],
): void {
  const currencies = new Set(amounts.flatMap((money) => (money ? [money.currency] : [])));
  if (currencies.size > 1) {
    ctx.addIssue({
      code: 'custom',
      message: `all amounts of one event must be in one currency, got ${[...currencies].join(', ')}`,
      path: [...path],
    });
  }
}

// ---------------------------------------------------------------- loan.disbursed

export const loanProducts = ['installment-purchase', 'cash-loan'] as const;
export type LoanProduct = (typeof loanProducts)[number];

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

/** A rate as a decimal string: "0.049" is 4.9 %. Never a JSON number. */
export const rateSchema = z
  .string()
  .regex(/^(0|[1-9]\d{0,2})(\.\d{1,10})?$/, 'must be a decimal rate such as "0.049"');

/** The product terms a loan was granted on, fixed at disbursement. */
export const loanTermsSchema = z
  .object({
    method: z.enum(repaymentMethods),
    periods: z.number().int().min(1).max(360),
    /** Nominal annual rate for equal-installment and equal-principal loans. */
    annualRate: rateSchema.nullable(),
    /** Daily rate for daily-interest cash loans, e.g. "0.0005". */
    dailyRate: rateSchema.nullable(),
    /** Total plan fee rate of a flat-fee installment plan, e.g. "0.025" for 3 periods. */
    feeRate: rateSchema.nullable(),
    feePayer: z.enum(['buyer', 'merchant']).nullable(),
    dayCount: z.enum(dayCountConventions),
    /** Penalty interest per day on overdue principal, e.g. "0.0005". */
    penaltyDailyRate: rateSchema,
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

export const LoanDisbursedV1 = defineEvent({
  type: 'loan.disbursed',
  version: 1,
  topic: Topics.loanEvents,
  schema: z
    .object({
      loanId: id,
      customerId: id,
      product: z.enum(loanProducts),
      principal: positiveMoney,
      /** The merchant paid (installment purchase); null for a cash loan. */
      merchantId: id.nullable(),
      /** Plan fee the merchant pays, withheld from its payout; null when there is none. */
      merchantFee: nonNegativeMoney.nullable(),
      /** The revolving credit line drawn on, when there is one. */
      lineId: id.nullable(),
      terms: loanTermsSchema,
      disbursedAt: timestamp,
    })
    .strict()
    .superRefine((payload, ctx) => {
      if (payload.product === 'installment-purchase' && payload.merchantId === null) {
        ctx.addIssue({
          code: 'custom',
          message: 'an installment purchase names the merchant paid',
          path: ['merchantId'],
        });
      }
      if (payload.product === 'cash-loan' && payload.merchantId !== null) {
        ctx.addIssue({
          code: 'custom',
          message: 'a cash loan has no merchant',
          path: ['merchantId'],
        });
      }
      if (payload.product === 'cash-loan' && payload.merchantFee !== null) {
        ctx.addIssue({
          code: 'custom',
          message: 'a cash loan has no merchant fee',
          path: ['merchantFee'],
        });
      }
      if (payload.terms.feePayer === 'merchant' && payload.merchantFee === null) {
        ctx.addIssue({
          code: 'custom',
          message: 'a plan whose fee the merchant pays states the merchant fee',
          path: ['merchantFee'],
        });
      }
      sameCurrency([payload.principal, payload.merchantFee], ctx, ['merchantFee']);
      const principal = moneyOf(payload.principal);
      const fee = payload.merchantFee && moneyOf(payload.merchantFee);
      if (principal && fee && fee.hasSameCurrency(principal) && fee.greaterThan(principal)) {
        ctx.addIssue({
          code: 'custom',
          message: 'the merchant fee cannot exceed the principal paid out to the merchant',
          path: ['merchantFee'],
        });
      }
    }),
});
export type LoanDisbursedV1Payload = z.infer<typeof LoanDisbursedV1.schema>;

// ---------------------------------------------------------------- fee.charged

export const FeeChargedV1 = defineEvent({
  type: 'fee.charged',
  version: 1,
  topic: Topics.loanEvents,
  schema: z
    .object({
      loanId: id,
      customerId: id,
      period: z.number().int().min(1),
      amount: positiveMoney,
      chargedAt: timestamp,
    })
    .strict(),
});
export type FeeChargedV1Payload = z.infer<typeof FeeChargedV1.schema>;

// ---------------------------------------------------------------- merchant.settled

export const MerchantSettledV1 = defineEvent({
  type: 'merchant.settled',
  version: 1,
  topic: Topics.merchantEvents,
  schema: z
    .object({
      settlementId: id,
      merchantId: id,
      amount: positiveMoney,
      businessDate,
    })
    .strict(),
});
export type MerchantSettledV1Payload = z.infer<typeof MerchantSettledV1.schema>;

// ---------------------------------------------------------------- repayment.allocated

export const repaymentAllocationSchema = z
  .object({
    penalty: nonNegativeMoney,
    interest: nonNegativeMoney,
    fee: nonNegativeMoney,
    principal: nonNegativeMoney,
    overpayment: nonNegativeMoney,
  })
  .strict();

export const RepaymentAllocatedV1 = defineEvent({
  type: 'repayment.allocated',
  version: 1,
  topic: Topics.loanEvents,
  schema: z
    .object({
      repaymentId: id,
      loanId: id,
      customerId: id,
      /** The revolving line the loan was drawn on: principal repaid makes room on it again. */
      lineId: id.nullable(),
      /** What the customer paid; the allocation's parts sum to exactly this. */
      amount: positiveMoney,
      allocation: repaymentAllocationSchema,
      receivedAt: timestamp,
    })
    .strict()
    .superRefine((payload, ctx) => {
      const parts = Object.values(payload.allocation);
      const currencies = new Set([payload.amount.currency, ...parts.map((p) => p.currency)]);
      if (currencies.size > 1) {
        sameCurrency([payload.amount, ...parts], ctx, ['allocation']);
        return;
      }
      const amount = moneyOf(payload.amount);
      const partAmounts = parts.map(moneyOf);
      if (!amount || partAmounts.some((part) => part === undefined)) return;
      const allocated = Money.sum(
        amount.currency,
        partAmounts.filter((part): part is Money => part !== undefined),
      );
      if (!allocated.equals(amount)) {
        ctx.addIssue({
          code: 'custom',
          message: `the allocation sums to ${allocated.toString()}, not the amount paid ${amount.toString()}`,
          path: ['allocation'],
        });
      }
    }),
});
export type RepaymentAllocatedV1Payload = z.infer<typeof RepaymentAllocatedV1.schema>;

// ---------------------------------------------------------------- interest.accrued / penalty.accrued

export const InterestAccruedV1 = defineEvent({
  type: 'interest.accrued',
  version: 1,
  topic: Topics.loanEvents,
  schema: z
    .object({
      loanId: id,
      customerId: id,
      businessDate,
      amount: positiveMoney,
    })
    .strict(),
});
export type InterestAccruedV1Payload = z.infer<typeof InterestAccruedV1.schema>;

export const PenaltyAccruedV1 = defineEvent({
  type: 'penalty.accrued',
  version: 1,
  topic: Topics.loanEvents,
  schema: z
    .object({
      loanId: id,
      customerId: id,
      businessDate,
      amount: positiveMoney,
    })
    .strict(),
});
export type PenaltyAccruedV1Payload = z.infer<typeof PenaltyAccruedV1.schema>;

// ---------------------------------------------------------------- loan.charged-off

export const LoanChargedOffV1 = defineEvent({
  type: 'loan.charged-off',
  version: 1,
  topic: Topics.loanEvents,
  schema: z
    .object({
      loanId: id,
      customerId: id,
      businessDate,
      /** The balances written off; each may be zero, not all of them. */
      principal: nonNegativeMoney,
      interest: nonNegativeMoney,
      fee: nonNegativeMoney,
      penalty: nonNegativeMoney,
    })
    .strict()
    .superRefine((payload, ctx) => {
      const parts = [payload.principal, payload.interest, payload.fee, payload.penalty];
      sameCurrency(parts, ctx);
      if (parts.every((part) => moneyOf(part)?.isZero() === true)) {
        ctx.addIssue({ code: 'custom', message: 'a charge-off writes off a non-zero balance' });
      }
    }),
});
export type LoanChargedOffV1Payload = z.infer<typeof LoanChargedOffV1.schema>;

// ---------------------------------------------------------------- recovery.received

export const RecoveryReceivedV1 = defineEvent({
  type: 'recovery.received',
  version: 1,
  topic: Topics.loanEvents,
  schema: z
    .object({
      recoveryId: id,
      loanId: id,
      customerId: id,
      amount: positiveMoney,
      receivedAt: timestamp,
    })
    .strict(),
});
export type RecoveryReceivedV1Payload = z.infer<typeof RecoveryReceivedV1.schema>;

// ---------------------------------------------------------------- ledger.entry.posted

export const ledgerEntryLineSchema = z
  .object({
    account: z.string().min(1).max(LedgerAccountIdLengthMax),
    side: z.enum(['debit', 'credit']),
    amount: positiveMoney,
  })
  .strict();

export const LedgerEntryPostedV1 = defineEvent({
  type: 'ledger.entry.posted',
  version: 1,
  topic: Topics.ledgerEvents,
  schema: z
    .object({
      entryId: z.uuid(),
      idempotencyKey: id,
      /** The business event the entry records; null for a manual entry. */
      sourceEventId: z.uuid().nullable(),
      /** The entry this one reverses; null for an ordinary entry. */
      reversesEntryId: z.uuid().nullable(),
      effectiveAt: timestamp,
      postedAt: timestamp,
      lines: z.array(ledgerEntryLineSchema).min(2).max(LedgerEntryLinesMax),
    })
    .strict(),
});
export type LedgerEntryPostedV1Payload = z.infer<typeof LedgerEntryPostedV1.schema>;

// ---------------------------------------------------------------- the catalog

/**
 * Every event definition of the platform, by type and payload version. Each business issue adds
 * its events here with their zod schemas; producers validate on publish, consumers on consume.
 */
// ---------------------------------------------------------------- schedule.created

export const scheduleInstallmentSchema = z
  .object({
    period: z.number().int().min(1),
    dueDate: businessDate,
    principal: nonNegativeMoney,
    interest: nonNegativeMoney,
    fee: nonNegativeMoney,
    total: nonNegativeMoney,
  })
  .strict();

export const ScheduleCreatedV1 = defineEvent({
  type: 'schedule.created',
  version: 1,
  topic: Topics.loanEvents,
  schema: z
    .object({
      loanId: id,
      customerId: id,
      installments: z.array(scheduleInstallmentSchema).min(1).max(360),
      totals: z
        .object({
          principal: positiveMoney,
          interest: nonNegativeMoney,
          fee: nonNegativeMoney,
          total: positiveMoney,
        })
        .strict(),
      /** Annual percentage rate including every fee, e.g. "0.1234" for 12.34 %. */
      apr: rateSchema,
    })
    .strict(),
});
export type ScheduleCreatedV1Payload = z.infer<typeof ScheduleCreatedV1.schema>;

// ---------------------------------------------------------------- application.submitted / decided

/** The credit-profile attributes of an applicant, as the scorecard knows them. No personal data. */
export const creditProfileSchema = z
  .object({
    checkingStatus: z.enum(CheckingStatuses),
    creditHistory: z.enum(CreditHistories),
    purpose: z.enum(Purposes),
    savingsStatus: z.enum(SavingsStatuses),
    employmentSince: z.enum(EmploymentSince),
    /** Installment as a share of disposable income, 1 (lowest) to 4. */
    installmentRatePercent: z.number().int().min(1).max(4),
    otherParties: z.enum(OtherParties),
    /** Years at the present residence, 1 to 4 (4: four or more). */
    residenceSince: z.number().int().min(1).max(4),
    propertyMagnitude: z.enum(PropertyMagnitudes),
    otherPaymentPlans: z.enum(OtherPaymentPlans),
    housing: z.enum(Housings),
    existingCredits: z.number().int().min(0).max(20),
    job: z.enum(Jobs),
    dependents: z.number().int().min(0).max(20),
    ownTelephone: z.enum(OwnTelephones),
  })
  .strict();
export type CreditProfile = z.infer<typeof creditProfileSchema>;

export const applicationKinds = ['credit-line', 'draw'] as const;

const drawRequestSchema = z
  .object({
    lineId: id,
    product: z.enum(loanProducts),
    amount: positiveMoney,
    periods: z.number().int().min(1).max(12),
    merchantId: id.nullable(),
    feePayer: z.enum(['buyer', 'merchant']).nullable(),
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
      applicationId: id,
      /** The customer; name, national ID and phone never travel in events. */
      customerId: id,
      kind: z.enum(applicationKinds),
      applicant: z
        .object({
          age: z.number().int().min(0).max(130),
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

/** The price a draw is granted at: the loan terms without the start date (set at payout). */
export const drawPricingSchema = z
  .object({
    method: z.enum(repaymentMethods),
    periods: z.number().int().min(1).max(360),
    annualRate: rateSchema.nullable(),
    dailyRate: rateSchema.nullable(),
    feeRate: rateSchema.nullable(),
    feePayer: z.enum(['buyer', 'merchant']).nullable(),
    dayCount: z.enum(dayCountConventions),
    penaltyDailyRate: rateSchema,
  })
  .strict();
export type DrawPricing = z.infer<typeof drawPricingSchema>;

export const decisions = ['approved', 'declined', 'referred'] as const;

export const ApplicationDecidedV1 = defineEvent({
  type: 'application.decided',
  version: 1,
  topic: Topics.applicationEvents,
  schema: z
    .object({
      applicationId: id,
      customerId: id,
      kind: z.enum(applicationKinds),
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

// ---------------------------------------------------------------- loan.created / disbursement.failed

export const LoanCreatedV1 = defineEvent({
  type: 'loan.created',
  version: 1,
  topic: Topics.loanEvents,
  schema: z
    .object({
      loanId: id,
      applicationId: id,
      customerId: id,
      lineId: id.nullable(),
      product: z.enum(loanProducts),
      principal: positiveMoney,
      merchantId: id.nullable(),
      merchantFee: nonNegativeMoney.nullable(),
      pricing: drawPricingSchema,
      createdAt: timestamp,
    })
    .strict(),
});
export type LoanCreatedV1Payload = z.infer<typeof LoanCreatedV1.schema>;

export const DisbursementFailedV1 = defineEvent({
  type: 'disbursement.failed',
  version: 1,
  topic: Topics.loanEvents,
  schema: z
    .object({
      loanId: id,
      applicationId: id,
      customerId: id,
      lineId: id.nullable(),
      principal: positiveMoney,
      reason: z.string().min(1).max(500),
      failedAt: timestamp,
    })
    .strict(),
});
export type DisbursementFailedV1Payload = z.infer<typeof DisbursementFailedV1.schema>;

// ---------------------------------------------------------------- repayment changelog

const decimal = decimalStringSchema;

/**
 * The repayment service's changelog: a loan's whole state (row, installments, repayments) after
 * each change, with a version that grows by one per change. The service consumes its own changelog:
 * live it is a no-op (the stored version is already there); replayed into an emptied database it
 * rebuilds every loan exactly as it was.
 */
export const LoanStateRecordedV1 = defineEvent({
  type: 'loan.state-recorded',
  version: 1,
  topic: Topics.repaymentChangelog,
  schema: z
    .object({
      loanId: id,
      version: z.number().int().min(1),
      loan: z
        .object({
          customerId: id,
          lineId: id.nullable(),
          product: z.enum(loanProducts),
          currency: z.string().length(3),
          principal: decimal,
          terms: loanTermsSchema,
          startDate: businessDate,
          apr: z.string().min(1).max(40),
          status: z.enum(['active', 'paid-off', 'charged-off']),
          interestAccrued: decimal,
          interestPaid: decimal,
          feeCharged: decimal,
          feePaid: decimal,
          penaltyAccrued: decimal,
          penaltyPaid: decimal,
          principalPaid: decimal,
          customerCredit: decimal,
          processedThrough: businessDate,
          daysPastDue: z.number().int(),
          delinquencyBucket: z.string().min(1).max(20),
          disbursedEventId: z.uuid(),
          createdAt: timestamp,
          closedOn: businessDate.nullable(),
        })
        .strict(),
      installments: z.array(
        z
          .object({
            period: z.number().int().min(1),
            dueDate: businessDate,
            principalDue: decimal,
            interestDue: decimal,
            feeDue: decimal,
            principalPaid: decimal,
            interestPaid: decimal,
            feePaid: decimal,
            feeCharged: z.boolean(),
            paidOn: businessDate.nullable(),
          })
          .strict(),
      ),
      repayments: z.array(
        z
          .object({
            id: z.uuid(),
            idempotencyKey: z.string().min(1).max(200),
            requestHash: z.string().min(1).max(200),
            amount: decimal,
            currency: z.string().length(3),
            businessDate,
            allocation: z.record(z.string(), z.unknown()),
            receivedAt: timestamp,
          })
          .strict(),
      ),
    })
    .strict(),
});
export type LoanStateRecordedV1Payload = z.infer<typeof LoanStateRecordedV1.schema>;

/** A business date the repayment service closed, with its report (part of its changelog). */
export const BusinessDayClosedV1 = defineEvent({
  type: 'calendar.business-day-closed',
  version: 1,
  topic: Topics.repaymentChangelog,
  schema: z
    .object({
      businessDate,
      closedAt: timestamp,
      report: z.record(z.string(), z.unknown()),
    })
    .strict(),
});
export type BusinessDayClosedV1Payload = z.infer<typeof BusinessDayClosedV1.schema>;

// ---------------------------------------------------------------- application changelog

/**
 * The application service's changelog: an application as accepted over HTTP (its idempotency key
 * and request hash, the personal data as stored: sealed with AES-256-GCM under a key id, never in
 * clear). Its decision is not here: that is rebuilt from application.decided. The service
 * consumes its own changelog: live it is a no-op (the application is stored); replayed into an
 * emptied database it restores every application, before the decisions are replayed.
 */
export const ApplicationRecordedV1 = defineEvent({
  type: 'application.recorded',
  version: 1,
  topic: Topics.applicationChangelog,
  schema: z
    .object({
      applicationId: z.uuid(),
      idempotencyKey: z.string().min(1).max(200),
      requestHash: z.string().min(1).max(200),
      customerId: id,
      kind: z.enum(applicationKinds),
      sealed: z
        .object({
          name: z.string().startsWith('v1:'),
          nationalId: z.string().startsWith('v1:'),
          phone: z.string().startsWith('v1:'),
        })
        .strict(),
      age: z.number().int().min(0).max(130),
      currency: z.string().length(3),
      monthlyIncome: decimalStringSchema,
      monthlyDebtPayments: decimalStringSchema,
      profile: creditProfileSchema,
      requestedLimit: decimalStringSchema.nullable(),
      draw: z
        .object({
          lineId: id,
          product: z.enum(loanProducts),
          amount: decimalStringSchema,
          periods: z.number().int().min(1).max(12),
          merchantId: id.nullable(),
          feePayer: z.enum(['buyer', 'merchant']).nullable(),
          /** A cash loan's repayment method (null on a purchase; absent in older records). */
          repaymentMethod: z.enum(cashLoanRepaymentMethods).nullable().optional(),
        })
        .strict()
        .nullable(),
      submittedAt: timestamp,
    })
    .strict(),
});
export type ApplicationRecordedV1Payload = z.infer<typeof ApplicationRecordedV1.schema>;

// ---------------------------------------------------------------- payout reconciliation

export const payoutBreakKinds = ['paid-not-booked', 'booked-not-paid', 'amount-differs'] as const;

/**
 * The daily payout reconciliation of the disbursement service: the bank's statement for a business
 * date, each line with the event that booked it on the platform (`bookedBy`, null when nothing
 * did), and the breaks between the statement and the disbursement's payouts. The ledger keeps it
 * and checks the statement against its own entries in every reconciliation run.
 */
export const PayoutStatementReconciledV1 = defineEvent({
  type: 'payout.statement-reconciled',
  version: 1,
  topic: Topics.payoutStatements,
  schema: z
    .object({
      businessDate,
      lines: z.array(
        z
          .object({
            reference: z.string().min(1).max(200),
            payee: z.string().min(1).max(200),
            amount: positiveMoney,
            paidAt: timestamp,
            bookedBy: z.uuid().nullable(),
          })
          .strict(),
      ),
      breaks: z.array(
        z
          .object({
            kind: z.enum(payoutBreakKinds),
            reference: z.string().min(1).max(200),
            bank: moneySchema.nullable(),
            platform: moneySchema.nullable(),
          })
          .strict(),
      ),
      reconciledAt: timestamp,
    })
    .strict(),
});
export type PayoutStatementReconciledV1Payload = z.infer<typeof PayoutStatementReconciledV1.schema>;

export const platformEventDefinitions: readonly EventDefinition[] = [
  LoanCreatedV1,
  DisbursementFailedV1,
  ApplicationSubmittedV1,
  ApplicationDecidedV1,
  ScheduleCreatedV1,
  LoanDisbursedV1,
  FeeChargedV1,
  MerchantSettledV1,
  RepaymentAllocatedV1,
  InterestAccruedV1,
  PenaltyAccruedV1,
  LoanChargedOffV1,
  RecoveryReceivedV1,
  LedgerEntryPostedV1,
  LoanStateRecordedV1,
  BusinessDayClosedV1,
  ApplicationRecordedV1,
  PayoutStatementReconciledV1,
];

export function platformEventCatalog(): EventCatalog {
  return new EventCatalog(platformEventDefinitions);
}
