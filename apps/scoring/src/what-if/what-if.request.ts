import { z } from 'zod';
import {
  EventIdLengthMax,
  applicationKinds,
  cashLoanRepaymentMethods,
  creditProfileSchema,
  loanProducts,
  moneySchema,
} from '@credit/contracts';
import { Money, isMoneyError } from '@credit/money';
import { DomainError, type FieldProblem } from '@credit/platform';
import type { CreditRequestInput } from '../domain/credit-request';

const id = z.string().min(1).max(EventIdLengthMax);

/** Money the money library accepts (known currency, at most its scale), optionally > 0. */
const money = (positive: boolean) =>
  moneySchema.strict().superRefine((dto, ctx) => {
    try {
      const amount = Money.fromJSON(dto);
      if (amount.isNegative())
        ctx.addIssue({ code: 'custom', message: 'must not be negative', path: ['amount'] });
      else if (positive && amount.isZero())
        ctx.addIssue({ code: 'custom', message: 'must be greater than zero', path: ['amount'] });
    } catch (error) {
      if (!isMoneyError(error)) throw error;
      const field = error.code === 'MONEY.UNKNOWN_CURRENCY' ? 'currency' : 'amount';
      ctx.addIssue({ code: 'custom', message: error.message, path: [field] });
    }
  });

/**
 * A what-if: the fields of an application.submitted payload that a decision reads (no
 * application or customer id, no line or merchant needed).
 */
export const whatIfSchema = z
  .object({
    kind: z.enum(applicationKinds),
    applicant: z
      .object({
        age: z.number().int().min(0).max(130),
        monthlyIncome: money(false),
        monthlyDebtPayments: money(false),
        profile: creditProfileSchema,
      })
      .strict(),
    creditLine: z
      .object({ requestedLimit: money(true) })
      .strict()
      .nullable()
      .default(null),
    draw: z
      .object({
        lineId: id.nullable().default(null),
        product: z.enum(loanProducts),
        amount: money(true),
        periods: z.number().int().min(1).max(12),
        merchantId: id.nullable().default(null),
        feePayer: z.enum(['buyer', 'merchant']).nullable().default(null),
        repaymentMethod: z.enum(cashLoanRepaymentMethods).nullable().default(null),
      })
      .strict()
      .nullable()
      .default(null),
  })
  .strict();

/** Validates a what-if body; 400 VALIDATION.FAILED listing every bad field with its problems. */
export function parseWhatIf(body: unknown): CreditRequestInput {
  const parsed = whatIfSchema.safeParse(body);
  const problems = new Map<string, string[]>();
  const add = (field: string, problem: string) =>
    problems.set(field, [...(problems.get(field) ?? []), problem]);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const base = issue.path.map(String).join('.');
      // An unknown key is reported on the key itself, not on its parent object.
      if (issue.code === 'unrecognized_keys') {
        for (const key of issue.keys) add(base ? `${base}.${key}` : key, 'is not a known field');
      } else add(base || 'body', issue.message);
    }
  }
  // Kind and payload must agree; checked even when other fields are bad, to list everything.
  if (typeof body === 'object' && body !== null && !Array.isArray(body)) {
    const raw = body as Record<string, unknown>;
    const present = (key: string) => raw[key] !== undefined && raw[key] !== null;
    if (raw.kind === 'credit-line' && !present('creditLine'))
      add('creditLine', 'is required for a credit-line application');
    if (raw.kind === 'credit-line' && present('draw'))
      add('draw', 'must be null for a credit-line application');
    if (raw.kind === 'draw' && !present('draw')) add('draw', 'is required for a draw application');
    if (raw.kind === 'draw' && present('creditLine'))
      add('creditLine', 'must be null for a draw application');
    const draw = raw.draw;
    if (
      typeof draw === 'object' &&
      draw !== null &&
      (draw as Record<string, unknown>).product === 'installment-purchase' &&
      (draw as Record<string, unknown>).repaymentMethod !== undefined &&
      (draw as Record<string, unknown>).repaymentMethod !== null
    )
      add('draw.repaymentMethod', 'must be null for an installment purchase (a flat-fee plan)');
  }
  if (problems.size > 0 || !parsed.success) {
    const fields: FieldProblem[] = [...problems].map(([field, list]) => ({
      field,
      problems: list,
    }));
    throw new DomainError(
      'VALIDATION.FAILED',
      `invalid request: ${fields.map((f) => `${f.field} ${f.problems.join(', ')}`).join('; ')}`,
      'invalid',
      { fields },
    );
  }
  return parsed.data;
}
