export { MoneyError, MoneyErrorCode, isMoneyError } from './errors';
export {
  RoundingMode,
  DEFAULT_INTEREST_ROUNDING,
  isRoundingMode,
  assertRoundingMode,
  toDecimalRounding,
} from './rounding';
export {
  MoneyDecimal,
  DECIMAL_STRING_PATTERN,
  isDecimalString,
  parseDecimal,
  toMoneyDecimal,
} from './decimal';
export type { DecimalInput } from './decimal';
export type { Decimal } from 'decimal.js';
export {
  CURRENCIES,
  CURRENCY_CODES,
  currencyScale,
  isCurrencyCode,
  parseCurrency,
} from './currency';
export type { CurrencyCode } from './currency';
export { Money } from './money';
export type { MoneyJSON } from './money';
