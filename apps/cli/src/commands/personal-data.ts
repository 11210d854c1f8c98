import { randomUUID } from 'node:crypto';
import {
  RotationBatchSizeMax,
  erasePersonalData,
  getPersonalData,
  rotatePersonalData,
} from '@credit/api';
import { CustomerIdPattern } from '@credit/kernel';
import type { AnyRoute, CallRequest } from '@credit/platform';
import type { CliContext } from '../context';
import { UsageError, parseFlags } from '../flags';
import { callService, orFailure } from '../service-call';
import { DevAdminApiKey, operatorKey } from './ledger';

/** How long one call waits (a rotation batch reads and writes up to 1,000 applications). */
export const PersonalDataTimeoutMs = 120_000;

const ShowFlags = { customer: 'string' } as const;
const EraseFlags = { customer: 'string', note: 'string', key: 'string', json: 'boolean' } as const;
const RotateFlags = { 'batch-size': 'string', key: 'string', json: 'boolean' } as const;

function customerOf(flags: { customer?: string }): string {
  if (!flags.customer || !CustomerIdPattern.test(flags.customer))
    throw new UsageError('--customer must be a customer id: C- and 32 lowercase hex digits');
  return flags.customer;
}

const adminKey = (env: NodeJS.ProcessEnv) => env.ADMIN_API_KEY ?? DevAdminApiKey;

/** Calls the application service; undefined once the failure is written as `<command>: <why>`. */
function callApplication<T extends AnyRoute>(
  context: CliContext,
  command: string,
  route: T,
  request: CallRequest<T>,
  apiKey: string,
) {
  return orFailure(
    command,
    callService(context, 'application', route, request, {
      apiKey,
      timeoutMs: PersonalDataTimeoutMs,
    }),
    (line) => context.out(line),
  );
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
  const answer = await callApplication(
    context,
    'personal-data show',
    getPersonalData,
    { params: { customerId: customer } },
    operatorKey(env),
  );
  if (!answer) return 1;
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
  const answer = await callApplication(
    context,
    'personal-data erase',
    erasePersonalData,
    {
      params: { customerId: customer },
      body: flags.note ? { note: flags.note } : {},
      idempotencyKey: flags.key ?? `cli-erase-${randomUUID()}`,
    },
    adminKey(env),
  );
  if (!answer) return 1;
  const erased = answer.body;
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
    (!/^\d+$/.test(batchText ?? '') || batchSize < 1 || batchSize > RotationBatchSizeMax)
  )
    throw new UsageError(`--batch-size must be a whole number from 1 to ${RotationBatchSizeMax}`);
  const prefix = flags.key ?? `cli-rotate-${randomUUID()}`;
  let progress;
  for (let step = 1; progress?.status !== 'finished'; step++) {
    const answer = await callApplication(
      context,
      'personal-data rotate',
      rotatePersonalData,
      { body: batchSize ? { batchSize } : {}, idempotencyKey: `${prefix}-${step}` },
      adminKey(env),
    );
    if (!answer) return 1;
    progress = answer.body;
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
