import { type CurrencyCode, isCurrencyCode } from '@credit/money';
import { LedgerError } from './ledger-error';

/**
 * The ledger keeps accounts in any currency of the shared ISO 4217 table (`@credit/money`:
 * JPY 0 decimals, USD/EUR/CNY 2, KWD/BHD 3, ...); each amount is booked at its currency's scale.
 * Pure: the table is data, no I/O.
 */
export function assertKnownCurrency(code: string, field: string): asserts code is CurrencyCode {
  if (!isCurrencyCode(code)) {
    throw new LedgerError(
      'LEDGER.UNKNOWN_CURRENCY',
      `${field}: "${code.slice(0, 16)}" is not an ISO 4217 currency the ledger keeps`,
      { field },
    );
  }
}
