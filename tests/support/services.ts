import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import {
  DevelopmentCustomerTokenKey,
  customerOfNationalIdIn,
  mintToolCustomerToken,
} from '@credit/platform';

export const repoRoot = path.resolve(__dirname, '..', '..');

/** Development keys from .env.example unless the environment says otherwise. */
export const apiKeys = {
  operator: process.env.OPERATOR_API_KEY ?? 'dev-operator-key-0000000000000001',
  admin: process.env.ADMIN_API_KEY ?? 'dev-admin-key-00000000000000000001',
};

/** CUSTOMER_TOKEN_PUBLIC_KEYS of services the specs start: the development pair's (.env.example). */
export const customerTokenPublicKeys =
  process.env.CUSTOMER_TOKEN_PUBLIC_KEYS ??
  `${DevelopmentCustomerTokenKey.kid}:${DevelopmentCustomerTokenKey.publicKey}`;

/** A customer's token (one hour), signed with CUSTOMER_TOKEN_SIGNING_KEY or the development key. */
export const customerToken = (customerId: string) => mintToolCustomerToken(process.env, customerId);

/** The customer a national ID is: APPLICATION_CUSTOMER_ID_PEPPER (.env.example's by default). */
export const customerOfNationalId = (nationalId: string) =>
  customerOfNationalIdIn(process.env, nationalId);

export const serviceList = [
  'application',
  'scoring',
  'disbursement',
  'repayment',
  'ledger',
  'portfolio',
] as const;
export type Service = (typeof serviceList)[number];

export interface RunningProcess {
  readonly child: ChildProcess;
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Runs a service's main.ts in a child process with exactly the given environment (plus PATH). */
export function spawnService(service: Service, env: Record<string, string>): RunningProcess {
  const child = spawn(
    process.execPath,
    ['-r', './tools/runtime/register.js', `apps/${service}/src/main.ts`],
    {
      cwd: repoRoot,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, output: () => output, exited };
}
