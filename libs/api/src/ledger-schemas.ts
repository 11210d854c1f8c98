import { z } from 'zod';
import {
  absentOr,
  actorSchema,
  currencyCodeSchema,
  dateRangeProblem,
  decimalStringSchema,
  idempotencyKeySchema,
  isoTimestampSchema,
  pageLimitSchema,
  unsignedDecimalSchema,
  uuidSchema,
  withinDateRange,
} from '@credit/platform';
import {
  LedgerAccountIdLengthMax as AccountIdLengthMax,
  LedgerAccountIdPattern as AccountIdPattern,
  LedgerDescriptionLengthMax as DescriptionLengthMax,
  LedgerEntryLinesMax as EntryLinesMax,
  ledgerAccountTypes as accountTypes,
} from '@credit/contracts';

/** Accounts listed per page at most. */
export const AccountsPageMax = 500;
/** Statement lines per page at most. */
export const StatementPageMax = 500;
/** Entries posted in one transaction at most (API batches and consumer batches). */
export const PostingBatchMax = 500;
/** The journal export's formats. */
export const ExportFormats = ['hledger', 'csv'] as const;
export type ExportFormat = (typeof ExportFormats)[number];

/** The request and answer bodies of the ledger's HTTP API: validation and OpenAPI in one. */

const sideSchema = z.enum(['debit', 'credit']);
const accountId = (message: string) => z.string().regex(AccountIdPattern, message);
const metadataSchema = z.record(z.string(), z.unknown());
/** An ISO 8601 timestamp in a body, passed on as the string given. */
const timestampString = (field: string) =>
  z
    .string()
    .refine((value) => isoTimestampSchema.safeParse(value).success, {
      error: `${field} must be an ISO 8601 timestamp`,
    })
    .meta({ format: 'date-time' });

// ---------------------------------------------------------------- accounts

export const createAccountSchema = z
  .object({
    id: accountId('id must be a colon-separated hierarchy such as "assets:loans:principal:L-1"')
      .max(AccountIdLengthMax)
      .meta({ description: 'unique forever; creation is idempotent by id' }),
    name: z.string().min(1).max(200),
    type: z.enum(accountTypes),
    normalSide: absentOr(sideSchema).meta({ description: 'defaults from the type' }),
    currency: currencyCodeSchema,
    minBalance: absentOr(decimalStringSchema).meta({
      description: 'lowest balance on the normal side',
    }),
    maxBalance: absentOr(decimalStringSchema).meta({
      description: 'highest balance on the normal side (a credit limit)',
    }),
    allowsSubaccounts: absentOr(z.boolean()).meta({
      description: 'postings to <id>:<segment> create sub-accounts with these settings',
    }),
  })
  .strict();
export type CreateAccountRequest = z.output<typeof createAccountSchema>;

export const accountViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  type: z.string(),
  normalSide: z.string(),
  currency: z.string(),
  minBalance: z.string().nullable(),
  maxBalance: z.string().nullable(),
  allowsSubaccounts: z.boolean(),
  parentId: z.string().nullable(),
  createdBy: actorSchema('who created the account'),
});
export type AccountView = z.infer<typeof accountViewSchema>;

export const accountPageSchema = z.object({
  accounts: z.array(accountViewSchema),
  nextCursor: z.string().nullable(),
});

export const balanceViewSchema = z.object({
  account: z.string(),
  currency: z.string(),
  asOf: z.string().nullable(),
  balance: z.string().meta({ description: 'posted balance, debit positive' }),
  normalBalance: z.string().meta({ description: "posted balance on the account's normal side" }),
  pendingDebits: z.string().nullable(),
  pendingCredits: z.string().nullable(),
  availableToDebit: z.string().nullable().meta({
    description: 'room left before the limits, counting what is reserved; null: no limit',
  }),
  availableToCredit: z.string().nullable(),
});
export type BalanceView = z.infer<typeof balanceViewSchema>;

export const statementSchema = z.object({
  account: z.string(),
  currency: z.string(),
  openingBalance: z.string(),
  lines: z.array(
    z.object({
      entryId: z.string(),
      lineNo: z.number().int(),
      postedAt: z.string(),
      effectiveAt: z.string(),
      description: z.string(),
      side: z.string(),
      amount: z.string(),
      balance: z.string(),
    }),
  ),
  nextCursor: z.string().nullable(),
});
export type Statement = z.infer<typeof statementSchema>;

export const accountIdParams = z.object({ id: z.string().min(1).max(AccountIdLengthMax) });
export const accountListQuery = z.object({
  prefix: z.string().optional().meta({ description: 'such as assets:loans' }),
  cursor: z.string().optional(),
  limit: pageLimitSchema(100, AccountsPageMax),
});
export const balanceQuery = z.object({
  asOf: isoTimestampSchema.optional().meta({ description: 'the posted balance as of this time' }),
});
export const statementQuery = z.object({
  from: isoTimestampSchema.optional(),
  to: isoTimestampSchema.optional(),
  cursor: z.string().optional(),
  limit: pageLimitSchema(100, StatementPageMax),
});

// ---------------------------------------------------------------- entries

const lineSchema = z
  .object({
    account: accountId(
      'account must be a colon-separated account id such as "assets:bank:settlement"',
    ),
    side: z.enum(['debit', 'credit'], { error: 'side must be "debit" or "credit"' }),
    amount: unsignedDecimalSchema('100.00').meta({
      description: 'decimal string, > 0, at most the currency scale',
    }),
    currency: currencyCodeSchema,
  })
  .strict();

export const entrySchema = z
  .object({
    effectiveAt: absentOr(timestampString('effectiveAt')).meta({
      description: 'when the entry takes effect; defaults to now',
    }),
    description: z.string().min(1).max(DescriptionLengthMax),
    metadata: absentOr(metadataSchema),
    lines: z.array(lineSchema).min(2, 'lines must have at least 2 lines').max(EntryLinesMax),
  })
  .strict();
export type EntryRequest = z.output<typeof entrySchema>;

export const batchSchema = z
  .object({
    entries: z
      .array(
        entrySchema.extend({
          idempotencyKey: idempotencyKeySchema.meta({
            description: 'caller-supplied, unique forever per entry',
          }),
        }),
      )
      .min(1)
      .max(PostingBatchMax),
  })
  .strict();

/** A single entry, or an atomic batch `{ entries: [...] }` (told apart by `entries`). */
export const postEntriesSchema = z.union([entrySchema, batchSchema]);
export const postEntriesBodyOf = (raw: unknown): z.ZodType =>
  typeof raw === 'object' && raw !== null && 'entries' in raw ? batchSchema : entrySchema;

export const reversalSchema = z
  .object({
    reason: z.string().min(1).max(300),
    effectiveAt: absentOr(timestampString('effectiveAt')),
  })
  .strict();

const entryLineViewSchema = z.object({
  lineNo: z.number().int(),
  account: z.string(),
  side: sideSchema,
  amount: z.string(),
  currency: z.string(),
});

export const entryViewSchema = z.object({
  id: z.string(),
  seq: z.string(),
  idempotencyKey: z.string(),
  effectiveAt: z.string(),
  postedAt: z.string(),
  description: z.string(),
  metadata: metadataSchema,
  sourceEventId: z.string().nullable(),
  sourceEventType: z.string().nullable(),
  rule: z.string().nullable(),
  reversesEntryId: z.string().nullable(),
  reversedByEntryId: z.string().nullable(),
  holdId: z.string().nullable(),
  actor: actorSchema('who posted the entry'),
  lines: z.array(entryLineViewSchema),
});
export type EntryView = z.infer<typeof entryViewSchema>;

export const entryIdParams = z.object({ id: uuidSchema });

// ---------------------------------------------------------------- holds

export const createHoldSchema = z
  .object({
    debitAccount: accountId('debitAccount must be an account id such as "assets:bank:settlement"'),
    creditAccount: accountId('creditAccount must be an account id such as "equity:capital"'),
    amount: unsignedDecimalSchema('1000.00'),
    currency: currencyCodeSchema,
    description: z.string().min(1).max(500),
    expiresAt: absentOr(timestampString('expiresAt')).meta({
      description: 'the hold voids itself at this time',
    }),
    metadata: absentOr(metadataSchema),
  })
  .strict();
export type CreateHoldRequest = z.output<typeof createHoldSchema>;

export const postHoldSchema = z
  .object({
    amount: absentOr(unsignedDecimalSchema('400.00')).meta({
      description: 'defaults to the whole reserved amount',
    }),
    description: absentOr(z.string().min(1).max(500)),
  })
  .strict();
export type PostHoldRequest = z.output<typeof postHoldSchema>;

export const voidHoldSchema = z.object({ reason: absentOr(z.string().min(1).max(300)) }).strict();
export type VoidHoldRequest = z.output<typeof voidHoldSchema>;

export const holdViewSchema = z.object({
  id: z.string(),
  status: z.enum(['pending', 'posted', 'voided', 'expired']),
  debitAccount: z.string(),
  creditAccount: z.string(),
  amount: z.string(),
  currency: z.string(),
  postedAmount: z.string().nullable(),
  postedEntryId: z.string().nullable(),
  description: z.string(),
  metadata: metadataSchema,
  expiresAt: z.string().nullable(),
  createdAt: z.string(),
  resolvedAt: z.string().nullable(),
  actor: actorSchema('who placed the hold'),
  resolvedBy: actorSchema('who posted or voided the hold (`system:ledger` when it expired)')
    .nullable()
    .meta({ description: 'null while the hold is pending' }),
});
export type HoldView = z.infer<typeof holdViewSchema>;

// ---------------------------------------------------------------- reports

const currencyTotalsSchema = z.object({
  currency: z.string(),
  totalDebits: z.string(),
  totalCredits: z.string(),
  balanced: z.boolean(),
});

export const trialBalanceSchema = z.object({
  asOf: z.string().nullable(),
  currencies: z.array(currencyTotalsSchema),
  accounts: z.array(z.object({ account: z.string(), currency: z.string(), balance: z.string() })),
});
export type TrialBalance = z.infer<typeof trialBalanceSchema>;

export const chainReportSchema = z.object({
  ok: z.boolean(),
  linksChecked: z.number().int(),
  unchainedEntries: z.number().int(),
  firstBrokenLink: z
    .object({
      position: z.string(),
      entryId: z.string(),
      expectedHash: z.string().nullable(),
      storedHash: z.string(),
      reason: z.enum(['content changed', 'previous hash mismatch', 'entry missing']),
    })
    .nullable(),
});

const DateOnlyPattern = /^(\d{4})-(\d{2})-(\d{2})$/;
const TimestampPattern =
  /^(\d{4})-(\d{2})-(\d{2})T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** `YYYY-MM-DD` (midnight UTC) or an ISO 8601 timestamp with a zone; a real calendar date. */
export function dateParamOf(value: string): Date | undefined {
  const match = DateOnlyPattern.exec(value) ?? TimestampPattern.exec(value);
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const calendar = new Date(Date.UTC(year, month - 1, day));
  if (
    calendar.getUTCFullYear() !== year ||
    calendar.getUTCMonth() !== month - 1 ||
    calendar.getUTCDate() !== day
  )
    return undefined;
  const time = Date.parse(DateOnlyPattern.test(value) ? `${value}T00:00:00Z` : value);
  return Number.isNaN(time) ? undefined : new Date(time);
}

const dateParam = z
  .string()
  .transform((value, ctx) => {
    if (value === '') return null;
    const date = dateParamOf(value);
    if (date && withinDateRange(date.getTime())) return date;
    if (date) {
      ctx.addIssue({ code: 'custom', message: dateRangeProblem });
      return z.NEVER;
    }
    ctx.addIssue({
      code: 'custom',
      message: 'must be an ISO 8601 date (YYYY-MM-DD) or a timestamp with a zone',
    });
    return z.NEVER;
  })
  .optional()
  .transform((value) => value ?? null)
  .meta({ description: 'YYYY-MM-DD or an ISO 8601 timestamp with a zone' });

export const exportQuery = z
  .object({
    format: z
      .enum(ExportFormats)
      .or(z.literal('').transform(() => undefined))
      .optional()
      .transform((value): ExportFormat => value ?? 'hledger'),
    from: dateParam,
    to: dateParam,
  })
  .superRefine(({ from, to }, ctx) => {
    if (from && to && to.getTime() <= from.getTime())
      ctx.addIssue({ code: 'custom', message: 'must be after from', path: ['to'] });
  });

const reconciliationRunSchema = z.object({
  id: z.string(),
  trigger: z.enum(['daily', 'operator']),
  businessDate: z.string(),
  status: z.enum(['running', 'completed', 'failed']),
  requestedBy: actorSchema('who asked for the run (`system:ledger` for the daily run)')
    .nullable()
    .meta({ description: 'null for daily runs started before the audit trail' }),
  progress: z.object({ loansChecked: z.number().int(), loansTotal: z.number().int() }),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  ok: z.boolean().nullable(),
  breaks: z.number().int().nullable(),
  error: z.string().nullable(),
});
export { reconciliationRunSchema };

const moneyOrNull = z.object({ amount: z.string(), currency: z.string() }).nullable();
export const reconciliationReportSchema = z.object({
  ok: z.boolean(),
  checkedAt: z.string(),
  payouts: z.object({
    statements: z.number().int(),
    breakCount: z.number().int(),
    breaks: z.array(
      z.object({
        source: z.enum(['disbursement', 'ledger']),
        businessDate: z.string(),
        kind: z.enum(['paid-not-booked', 'booked-not-paid', 'amount-differs']),
        reference: z.string(),
        bank: moneyOrNull,
        booked: moneyOrNull,
        eventId: z.string().nullable(),
      }),
    ),
  }),
  loans: z.object({
    checked: z.number().int(),
    breakCount: z.number().int(),
    breaks: z.array(
      z.object({
        loanId: z.string(),
        component: z.string(),
        currency: z.string(),
        repayment: z.string(),
        ledger: z.string(),
        difference: z.string(),
        positionVersion: z.number().int().nullable(),
        positionUpdatedAt: z.string().nullable(),
        ledgerUpdatedAt: z.string().nullable(),
      }),
    ),
  }),
  events: z.object({
    posted: z.number().int(),
    withoutEntry: z.array(z.string()),
    entriesWithoutEvent: z.array(z.string()),
  }),
  trialBalance: z.object({ currencies: z.array(currencyTotalsSchema), balanced: z.boolean() }),
});

export const reconciliationRunWithReportSchema = reconciliationRunSchema.extend({
  report: reconciliationReportSchema.nullable(),
});

export const postingRulesSchema = z.object({
  rules: z.array(
    z.object({
      id: z.string(),
      version: z.number().int(),
      eventType: z.string(),
      eventVersion: z.number().int(),
      when: z.record(z.string(), z.string().nullable()).optional(),
      description: z.string(),
      effectiveAt: z.string(),
      lines: z.array(
        z.object({ side: sideSchema, account: z.string(), amount: z.array(z.string()) }),
      ),
    }),
  ),
});

// ---------------------------------------------------------------- admin

export const rebuildBalancesSchema = z
  .object({
    apply: absentOr(z.boolean({ error: 'apply must be a boolean (true or false)' })).meta({
      description: 'write the recomputed figures; without it (or false) the run only reports',
    }),
  })
  .strict();

const balanceFiguresSchema = z.object({
  postedDebits: z.string(),
  postedCredits: z.string(),
  pendingDebits: z.string(),
  pendingCredits: z.string(),
  lineCount: z.number().int(),
});

export const rebuildBalancesResponseSchema = z.object({
  actionId: z.string(),
  status: z.enum(['running', 'succeeded', 'failed', 'cancelled']),
  dryRun: z.boolean(),
  replayed: z.boolean(),
  error: z.string().nullable(),
  accountsChecked: z.number().int().optional(),
  differenceCount: z.number().int().optional(),
  differences: z
    .array(
      z.object({
        account: z.string(),
        currency: z.string(),
        stored: balanceFiguresSchema.nullable(),
        recomputed: balanceFiguresSchema,
        difference: balanceFiguresSchema,
        fields: z.array(z.string()),
      }),
    )
    .optional(),
  differencesTruncated: z.boolean().optional(),
  applied: z.boolean().optional(),
  remaining: z.number().int().optional(),
});
