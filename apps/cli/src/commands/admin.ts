import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { type ServiceName, serviceNames } from '@credit/contracts';
import {
  type deadLetterQuery,
  discardDeadLetters,
  getReplay,
  listDeadLetters,
  redriveDeadLetters,
  startReplay,
} from '@credit/messaging';
import type { AnyRoute, CallRequest } from '@credit/platform';
import type { CliContext } from '../context';
import { callService } from '../service-call';
import { UsageError, parseFlags } from '../flags';
import { DevAdminApiKey } from './ledger';

/** How often `replay` polls its progress. */
export const ReplayPollIntervalMs = 1_000;

interface ReplayProgress {
  done: number;
  total: number;
  eventsPerSecond: number;
  etaSeconds: number | null;
  counts?: Record<string, number>;
}

const ReplayFlags = {
  service: 'string',
  from: 'string',
  to: 'string',
  topic: 'strings',
  type: 'strings',
  aggregate: 'string',
  partition: 'string',
  'from-offset': 'string',
  'to-offset': 'string',
  'dry-run': 'boolean',
  json: 'boolean',
} as const;

const DlqFlags = {
  service: 'string',
  id: 'strings',
  topic: 'string',
  type: 'string',
  status: 'string',
  all: 'boolean',
  reason: 'string',
  json: 'boolean',
} as const;

function serviceOf(flags: { service?: string }): ServiceName {
  const service = flags.service;
  if (!service || !(serviceNames as string[]).includes(service)) {
    throw new UsageError(`--service must be one of ${serviceNames.join(', ')}`);
  }
  return service as ServiceName;
}

/** Calls an admin route of a service with the admin key; errors name the service and its answer. */
async function adminCall<T extends AnyRoute>(
  context: CliContext,
  service: ServiceName,
  route: T,
  request: CallRequest<T>,
  env: NodeJS.ProcessEnv,
) {
  return callService(
    context,
    service,
    route,
    { ...request, ...(route.idempotencyKey ? { idempotencyKey: `cli-${randomUUID()}` } : {}) },
    { apiKey: env.ADMIN_API_KEY ?? DevAdminApiKey, timeoutMs: 600_000 },
  );
}

/**
 * `replay --service S [--from earliest|ISO] [--to ISO] [--topic T]… [--type E]… [--aggregate ID]
 * [--partition N] [--from-offset N] [--to-offset N] [--dry-run] [--json]`: starts a replay, prints
 * progress on stderr until it ends, then the report. Exit 0 when it succeeded, 1 otherwise.
 */
export async function replay(
  context: CliContext,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const flags = parseFlags(args, ReplayFlags);
  const service = serviceOf(flags);
  const partition = flags.partition;
  if (partition !== undefined && !/^\d+$/.test(partition)) {
    throw new UsageError('--partition must be a whole number');
  }
  const body = {
    from: flags.from ?? 'earliest',
    ...(flags.to ? { to: flags.to } : {}),
    ...(flags.topic ? { topics: flags.topic } : {}),
    ...(flags.type ? { eventTypes: flags.type } : {}),
    ...(flags.aggregate ? { aggregateId: flags.aggregate } : {}),
    ...(partition !== undefined ? { partition: Number(partition) } : {}),
    ...(flags['from-offset'] ? { fromOffset: flags['from-offset'] } : {}),
    ...(flags['to-offset'] ? { toOffset: flags['to-offset'] } : {}),
    dryRun: flags['dry-run'] === true,
  };
  const started = await adminCall(context, service, startReplay, { body }, env);
  let action = started.body;
  process.stderr.write(
    `replay ${action.id} on ${service} started${body.dryRun ? ' (dry run)' : ''}\n`,
  );
  while (action.status === 'running') {
    await new Promise((resolve) => setTimeout(resolve, ReplayPollIntervalMs));
    action = (await adminCall(context, service, getReplay, { params: { id: action.id } }, env))
      .body;
    const p = action.progress as ReplayProgress | null;
    if (action.status === 'running' && p) {
      const eta = p.etaSeconds === null ? '?' : `${p.etaSeconds}s`;
      process.stderr.write(
        `  ${p.done}/${p.total} events, ${p.eventsPerSecond} events/s, ETA ${eta}\n`,
      );
    }
  }
  if (flags.json) {
    context.out(JSON.stringify(action));
  } else {
    const r = action.result as (ReplayProgress & Record<string, unknown>) | null;
    context.out(
      `replay ${action.id} on ${service}: ${action.status}${action.dryRun ? ' (dry run)' : ''}`,
    );
    if (r) {
      context.out(`  events read: ${r.done} of ${r.total}`);
      for (const [outcome, count] of Object.entries(r.counts ?? {})) {
        context.out(`  ${outcome.padEnd(16)} ${count}`);
      }
    }
    if (action.error) context.out(`  error: ${action.error}`);
  }
  return action.status === 'succeeded' ? 0 : 1;
}

/**
 * `dlq list --service S [--topic T] [--type E] [--status open|redriven|discarded|all] [--json]`,
 * `dlq redrive --service S (--id ID… | --topic T | --type E | --all)`,
 * `dlq discard --service S (--id ID… | --topic T | --type E | --all) --reason TEXT`.
 */
export async function dlq(
  context: CliContext,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const [verb, ...rest] = args;
  const flags = parseFlags(rest, DlqFlags);
  const service = serviceOf(flags);
  if (verb === 'list') {
    // The service checks the status (400 naming it): sent as given.
    const query = {
      topic: flags.topic,
      type: flags.type,
      status: flags.status as z.input<typeof deadLetterQuery>['status'],
    };
    const reply = await adminCall(context, service, listDeadLetters, { query }, env);
    const letters = reply.body.deadLetters;
    if (flags.json) {
      context.out(JSON.stringify(letters));
      return 0;
    }
    context.out(`${letters.length} dead letter(s) on ${service}`);
    for (const l of letters) {
      context.out(`  ${l.id} [${l.status}] ${String(l.type)} ${String(l.eventId)}`);
      context.out(`    ${l.error}`);
    }
    return 0;
  }
  if (verb !== 'redrive' && verb !== 'discard') {
    throw new UsageError('dlq needs list, redrive or discard');
  }
  const selector = {
    ...(flags.id ? { ids: flags.id } : {}),
    ...(flags.topic ? { topic: flags.topic } : {}),
    ...(flags.type ? { type: flags.type } : {}),
    ...(flags.all ? { all: true } : {}),
  };
  const reply =
    verb === 'discard'
      ? await adminCall(
          context,
          service,
          discardDeadLetters,
          // Without --reason the service answers 400 naming it.
          { body: { ...selector, reason: flags.reason as string } },
          env,
        )
      : await adminCall(context, service, redriveDeadLetters, { body: selector }, env);
  const action = reply.body;
  if (flags.json) context.out(JSON.stringify(action));
  else context.out(`dlq ${verb} on ${service}: ${action.status} ${JSON.stringify(action.result)}`);
  return action.status === 'succeeded' ? 0 : 1;
}
