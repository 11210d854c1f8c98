import { z } from 'zod';
import { currencyCodeSchema, decimalStringSchema, moneySchema } from '@credit/contracts';
import { Money, isMoneyError } from '@credit/money';

/**
 * Field schemas shared by the services' HTTP routes, built on the contracts' money and decimal
 * schemas: one definition of each rule.
 */

/** An optional field: absent or null both read as undefined. */
export const absentOr = <S extends z.ZodType>(schema: S) =>
  schema.nullish().transform((value) => value ?? undefined);

/** A decimal string that is not negative (zero allowed: the domain says whether it may be). */
export const unsignedDecimalSchema = (example: string) =>
  decimalStringSchema.refine((value) => !value.startsWith('-'), {
    error: `must be a positive decimal string such as "${example}"`,
  });

export { currencyCodeSchema, decimalStringSchema, moneySchema };

/**
 * Money the money library accepts (a known currency, at most its scale), not negative and, when
 * `positive`, greater than zero; each problem named on `amount` or `currency`.
 */
export const validMoneySchema = (positive: boolean) =>
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

/** Money on the wire in answers: a decimal string and its currency. */
export const moneyViewSchema = z.object({ amount: z.string(), currency: z.string() });

/** The error of a section that one variant of a union needs: named as required for it. */
export const requiredFor =
  (problem: string): z.core.$ZodErrorMap =>
  (issue) =>
    issue.input === undefined || issue.input === null ? problem : undefined;

/** A field that one variant of a union must leave out (absent or null; read as null). */
export const leftOut = (problem: string) => z.null({ error: problem }).optional().default(null);

/**
 * Who made a write, as the audit trail records it: `role:holder:credentialId` for a person's
 * credential (actorOf), `system:<service>` for the service's own consumers and tasks, `unknown`
 * for rows written before the trail.
 */
export const actorSchema = (what: string) =>
  z.string().meta({
    description: `${what}: role:holder:credentialId, system:<service> for the service's own writes, unknown before the audit trail`,
    example: 'operator:bootstrap:env-operator',
  });
