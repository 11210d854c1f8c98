import { randomUUID } from 'node:crypto';
import type { CliContext } from '../context';
import { UsageError, parseFlags } from '../flags';
import { DevAdminApiKey, fetchJson, operatorKey } from './ledger';

/** How long one call waits (a rotation batch reads and writes up to 1,000 applications). */
export const PersonalDataTimeoutMs = 120_000;
const CustomerIdPattern = /^C-[0-9a-f]{32}$/;
const BatchSizeMax = 1000;

const ShowFlags = { customer: 'string' } as const;
const EraseFlags = { customer: 'string', note: 'string', key: 'string', json: 'boolean' } as const;
const RotateFlags = { 'batch-size': 'string', key: 'string', json: 'boolean' } as const;

interface RotationProgress {
  rotationId: string;
  status: 'running' | 'finished';
  activeKeyId: string;
  total: number;
  done: number;
  rewrapped: number;
  resealed: number;
  skipped: number;
  keysInUse: string[];
  retirableKeyIds: string[];
}

function customerOf(flags: { customer?: string }): string {
  if (!flags.customer || !CustomerIdPattern.test(flags.customer))
    throw new UsageError('--customer must be a customer id: C- and 32 lowercase hex digits');
  return flags.customer;
}

async function call(
  context: CliContext,
  method: 'GET' | 'POST',
  path: string,
  apiKey: string,
  options: { body?: unknown; idempotencyKey?: string } = {},
): Promise<{ status: number; text: string; body: unknown }> {
  const url = `${context.serviceUrl('application')}${path}`;
  try {
    return await fetchJson(url, {
      method,
      headers: {
        authorization: `Bearer ${apiKey}`,
        ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(options.idempotencyKey ? { 'idempotency-key': options.idempotencyKey } : {}),
      },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: AbortSignal.timeout(PersonalDataTimeoutMs),
    });
  } catch (error) {
    throw new Error(`the application service is not reachable at ${url}: ${String(error)}`);
  }
}

function failed(context: CliContext, what: string, answer: { status: number; text: string }) {
  context.out(
    `${what}: the application service answered ${answer.status}: ${answer.text.slice(0, 500)}`,
  );
  return 1;
}

/**
 * `personal-data show --customer C-…`: the customer's access document (operator key), as JSON.
 * Each call is audited by the service.
 */
export async function personalDataShow(
  context: CliContext,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const customer = customerOf(
    parseFlags(args, ShowFlags, 'usage: personal-data show --customer C-…\n'),
  );
  const answer = await call(
    context,
    'GET',
    `/v1/customers/${customer}/personal-data`,
    operatorKey(env),
  );
  if (answer.status !== 200) return failed(context, 'personal-data show', answer);
  context.out(JSON.stringify(answer.body, null, 2));
  return 0;
}

/**
 * `personal-data erase --customer C-… [--note TEXT] [--key K] [--json]`: erases the customer's
 * personal data (admin key). `--key` is the Idempotency-Key (a new one by default): running it
 * again with the same key answers the first erasure.
 */
export async function personalDataErase(
  context: CliContext,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const flags = parseFlags(
    args,
    EraseFlags,
    'usage: personal-data erase --customer C-… [--note TEXT] [--key K] [--json]\n',
  );
  const customer = customerOf(flags);
  const answer = await call(
    context,
    'POST',
    `/v1/customers/${customer}/personal-data/erasure`,
    env.ADMIN_API_KEY ?? DevAdminApiKey,
    {
      body: flags.note ? { note: flags.note } : {},
      idempotencyKey: flags.key ?? `cli-erase-${randomUUID()}`,
    },
  );
  if (answer.status !== 200) return failed(context, 'personal-data erase', answer);
  const erased = answer.body as {
    actionId: string;
    status: string;
    replayed: boolean;
    result: { applications: number; erased: number } | null;
  };
  if (flags.json) context.out(JSON.stringify(erased));
  else
    context.out(
      `erasure ${erased.actionId} of ${customer}: ${erased.status}${erased.replayed ? ' (replayed)' : ''}, ` +
        `${erased.result?.erased ?? 0} of ${erased.result?.applications ?? 0} applications erased now`,
    );
  return erased.status === 'succeeded' ? 0 : 1;
}

/**
 * `personal-data rotate [--batch-size N] [--key K] [--json]`: re-encrypts every sealed value
 * under the active master key, one batch per call, printing progress on stderr, until finished;
 * then prints the master keys that can be retired. Resumable: run it again after a crash (or
 * Ctrl-C) and it continues from the last batch the service committed. `--key` prefixes the
 * calls' Idempotency-Keys.
 */
export async function personalDataRotate(
  context: CliContext,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const flags = parseFlags(
    args,
    RotateFlags,
    'usage: personal-data rotate [--batch-size N] [--key K] [--json]\n',
  );
  const batchText = flags['batch-size'];
  const batchSize = batchText === undefined ? undefined : Number(batchText);
  if (
    batchSize !== undefined &&
    (!/^\d+$/.test(batchText ?? '') || batchSize < 1 || batchSize > BatchSizeMax)
  )
    throw new UsageError(`--batch-size must be a whole number from 1 to ${BatchSizeMax}`);
  const prefix = flags.key ?? `cli-rotate-${randomUUID()}`;
  let progress: RotationProgress | undefined;
  for (let step = 1; progress?.status !== 'finished'; step++) {
    const answer = await call(
      context,
      'POST',
      '/v1/admin/personal-data/rotation',
      env.ADMIN_API_KEY ?? DevAdminApiKey,
      { body: batchSize ? { batchSize } : {}, idempotencyKey: `${prefix}-${step}` },
    );
    if (answer.status !== 200) return failed(context, 'personal-data rotate', answer);
    progress = answer.body as RotationProgress;
    process.stderr.write(
      `  rotation ${progress.rotationId} to ${progress.activeKeyId}: ${progress.done}/${progress.total} applications, ` +
        `${progress.rewrapped} data keys rewrapped, ${progress.resealed} resealed, ${progress.skipped} skipped\n`,
    );
  }
  if (flags.json) {
    context.out(JSON.stringify(progress));
    return 0;
  }
  context.out(
    `rotation ${progress.rotationId} finished: every sealed value is under ${progress.activeKeyId} ` +
      `(${progress.done} applications, ${progress.skipped} skipped)`,
  );
  context.out(`  master keys in use: ${progress.keysInUse.join(', ') || 'none'}`);
  context.out(
    progress.retirableKeyIds.length > 0
      ? `  can be retired from APPLICATION_PII_KEYS: ${progress.retirableKeyIds.join(', ')}`
      : '  no configured key can be retired yet',
  );
  return 0;
}
