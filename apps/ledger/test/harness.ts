import { spawn } from 'node:child_process';
import path from 'node:path';
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

const repoRoot = path.resolve(__dirname, '../../..');

/** The operator CLI from source, with extra environment (e.g. LEDGER_URL of the test ledger). */
export function runCli(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['-r', './tools/runtime/register.js', 'apps/cli/src/main.ts', ...args],
      { cwd: repoRoot, env: { ...process.env, ...env } },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
