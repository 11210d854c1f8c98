import { z } from 'zod';

/** A decimal string: optional minus, digits, optional fraction. No exponent, no separators. */
export const decimalStringSchema = z
  .string()
  .regex(/^-?\d{1,20}(\.\d{1,12})?$/, 'must be a decimal string such as "1000.00"');

/** ISO 4217 alphabetic code. The money library knows each currency's scale. */
export const currencyCodeSchema = z
  .string()
  .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as "CNY"');

/** Money on the wire: a decimal string and its currency, never a JSON number. */
export const moneySchema = z.object({
  amount: decimalStringSchema,
  currency: currencyCodeSchema,
});

export type MoneyDto = z.infer<typeof moneySchema>;
