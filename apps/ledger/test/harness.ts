import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Money } from '@credit/money';
import { TestApiKeys, type TestApp, startTestApp } from '@credit/platform';
export { runCli } from '@credit/testing';
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

/**
 * `hledger balance` of a journal file as { account: balance }, each balance at the currency's
 * scale (hledger drops trailing zeros). Every balance must be in `currency`; `query` narrows the
 * accounts (e.g. `cur:JPY`).
 */
export async function hledgerBalances(
  journalFile: string,
  currency: string,
  ...query: string[]
): Promise<Record<string, string>> {
  const { stdout } = await promisify(execFile)('hledger', [
    '-f',
    journalFile,
    'balance',
    '-O',
    'csv',
    '--flat',
    '--no-total',
    ...query,
  ]);
  const [header, ...rows] = stdout
    .trim()
    .split(/\r?\n/)
    .map((row) => row.split('","').map((cell) => cell.replace(/"/g, '')));
  if (header?.join(',') !== 'account,balance')
    throw new Error(`unexpected header: ${String(header)}`);
  const balances: Record<string, string> = {};
  for (const [account, balance] of rows) {
    const match = new RegExp(`^(-?\\d+(?:\\.\\d+)?) ${currency}$`).exec(balance ?? '');
    if (!match?.[1] || !account)
      throw new Error(`unexpected hledger balance: ${account} ${balance}`);
    balances[account] = Money.of(match[1], currency).toString();
  }
  return balances;
}
