import { TestApiKeys, type TestApp, startTestApp } from '@credit/platform';
import { LedgerModule } from '../src/app.module';
import { ledgerEnvSchema } from '../src/config/env';

/** The API keys of the in-process test ledger. */
export const testKeys = TestApiKeys;

export type LedgerHarness = TestApp;

/** The ledger service in-process on a fresh database and the test broker (see startTestApp). */
export function startLedger(
  database: string,
  env: Record<string, string> = {},
): Promise<LedgerHarness> {
  return startTestApp({
    service: 'ledger',
    database,
    envSchema: ledgerEnvSchema,
    module: (config, logger) => LedgerModule.register(config, logger),
    env,
  });
}
