import { loadConfig } from '@credit/platform';
import { disbursementEnvSchema, ledgerApiKeyOf } from './env';

const base = {
  HTTP_PORT: '3003',
  DATABASE_URL: 'postgres://credit_disbursement_app@127.0.0.1:5432/credit_disbursement',
  KAFKA_BROKERS: '127.0.0.1:9092',
  LEDGER_URL: 'http://127.0.0.1:3005',
};

describe('the credential the disbursement calls the ledger with', () => {
  it('is LEDGER_API_KEY (a named credential), else the bootstrap OPERATOR_API_KEY', () => {
    const named = 'cred_0123456789ab_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ';
    const operator = 'operator-key-0000000000000001';
    expect(
      ledgerApiKeyOf(
        loadConfig(disbursementEnvSchema, {
          ...base,
          LEDGER_API_KEY: named,
          OPERATOR_API_KEY: operator,
        }),
      ),
    ).toBe(named);
    expect(
      ledgerApiKeyOf(loadConfig(disbursementEnvSchema, { ...base, OPERATOR_API_KEY: operator })),
    ).toBe(operator);
  });

  it('is required with LEDGER_URL: boot names LEDGER_API_KEY when neither is set', () => {
    expect(() => loadConfig(disbursementEnvSchema, base)).toThrow(
      'LEDGER_API_KEY: is required when LEDGER_URL is set (or OPERATOR_API_KEY)',
    );
    const { LEDGER_URL: _unset, ...withoutLedger } = base;
    expect(ledgerApiKeyOf(loadConfig(disbursementEnvSchema, withoutLedger))).toBeUndefined();
  });
});
