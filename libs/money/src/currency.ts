import { MoneyError, MoneyErrorCode } from './errors';

/**
 * Supported ISO 4217 currencies and their minor-unit scale (number of decimal places of the
 * smallest unit the ledger books). Add a currency here before using it; unknown codes throw.
 */
export const CURRENCIES = {
  // Greater China
  CNY: { scale: 2, name: 'Chinese yuan renminbi' },
  HKD: { scale: 2, name: 'Hong Kong dollar' },
  MOP: { scale: 2, name: 'Macanese pataca' },
  TWD: { scale: 2, name: 'New Taiwan dollar' },
  // Major
  USD: { scale: 2, name: 'US dollar' },
  EUR: { scale: 2, name: 'Euro' },
  GBP: { scale: 2, name: 'Pound sterling' },
  CHF: { scale: 2, name: 'Swiss franc' },
  CAD: { scale: 2, name: 'Canadian dollar' },
  AUD: { scale: 2, name: 'Australian dollar' },
  // Asia-Pacific
  SGD: { scale: 2, name: 'Singapore dollar' },
  MYR: { scale: 2, name: 'Malaysian ringgit' },
  THB: { scale: 2, name: 'Thai baht' },
  PHP: { scale: 2, name: 'Philippine peso' },
  IDR: { scale: 2, name: 'Indonesian rupiah' },
  INR: { scale: 2, name: 'Indian rupee' },
  JPY: { scale: 0, name: 'Japanese yen' },
  KRW: { scale: 0, name: 'South Korean won' },
  VND: { scale: 0, name: 'Vietnamese dong' },
  // Three-decimal currencies
  BHD: { scale: 3, name: 'Bahraini dinar' },
  KWD: { scale: 3, name: 'Kuwaiti dinar' },
  JOD: { scale: 3, name: 'Jordanian dinar' },
  OMR: { scale: 3, name: 'Omani rial' },
  TND: { scale: 3, name: 'Tunisian dinar' },
} as const satisfies Readonly<Record<string, { readonly scale: number; readonly name: string }>>;

export type CurrencyCode = keyof typeof CURRENCIES;

/** Every supported code, in table order. */
export const CURRENCY_CODES: readonly CurrencyCode[] = Object.freeze(
  Object.keys(CURRENCIES) as CurrencyCode[],
);

/** True if `code` is a supported ISO 4217 code (exact, upper case). */
export function isCurrencyCode(code: unknown): code is CurrencyCode {
  return typeof code === 'string' && Object.hasOwn(CURRENCIES, code);
}

/** Returns `code` typed as `CurrencyCode`, or throws `MONEY.UNKNOWN_CURRENCY`. */
export function parseCurrency(code: unknown): CurrencyCode {
  if (!isCurrencyCode(code)) {
    throw new MoneyError(MoneyErrorCode.UNKNOWN_CURRENCY, 'unknown or unsupported currency', {
      currency: typeof code === 'string' ? code.slice(0, 16) : `<${typeof code}>`,
    });
  }
  return code;
}

/** Minor-unit scale of a currency (CNY → 2, JPY → 0, KWD → 3). Throws `MONEY.UNKNOWN_CURRENCY`. */
export function currencyScale(code: string): number {
  return CURRENCIES[parseCurrency(code)].scale;
}
