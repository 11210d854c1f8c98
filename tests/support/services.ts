import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';

export const repoRoot = path.resolve(__dirname, '..', '..');

/** Development keys from .env.example unless the environment says otherwise. */
export const apiKeys = {
  customer: process.env.CUSTOMER_API_KEY ?? 'dev-customer-key-0000000000000001',
  operator: process.env.OPERATOR_API_KEY ?? 'dev-operator-key-0000000000000001',
  admin: process.env.ADMIN_API_KEY ?? 'dev-admin-key-00000000000000000001',
};

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
