import { randomUUID } from 'node:crypto';
import { type ServiceName, serviceNames } from '@credit/contracts';
import type { CliContext } from '../context';
import { UsageError, parseFlags } from '../flags';
import { DevAdminApiKey } from './ledger';

/** How often `replay` polls its progress. */
export const ReplayPollIntervalMs = 1_000;

interface AdminAction {
  id: string;
  action: string;
  status: 'running' | 'succeeded' | 'failed' | 'cancelled';
  dryRun: boolean;
  progress: ReplayProgress | null;
  result: (ReplayProgress & Record<string, unknown>) | null;
  error: string | null;
}

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

async function adminCall(
  context: CliContext,
  service: ServiceName,
  method: string,
  path: string,
  env: NodeJS.ProcessEnv,
  body?: unknown,
): Promise<{ status: number; body: unknown }> {
  const url = `${context.serviceUrl(service)}/v1/admin${path}`;
  const headers: Record<string, string> = {
    authorization: `Bearer ${env.ADMIN_API_KEY ?? DevAdminApiKey}`,
  };
  if (body !== undefined) {
    headers['content-type'] = 'application/json';
    headers['idempotency-key'] = `cli-${randomUUID()}`;
  }
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(600_000),
    });
  } catch (error) {
    throw new Error(`${service} is not reachable at ${url}: ${(error as Error).message}`);
  }
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: shown as text
  }
  if (response.status >= 400) {
    const message =
      (parsed as { error?: { message?: string } }).error?.message ?? text.slice(0, 500);
    throw new Error(`${service} answered ${response.status}: ${message}`);
  }
  return { status: response.status, body: parsed };
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
  const started = await adminCall(context, service, 'POST', '/replays', env, body);
  let action = started.body as AdminAction;
  process.stderr.write(
    `replay ${action.id} on ${service} started${body.dryRun ? ' (dry run)' : ''}\n`,
  );
  while (action.status === 'running') {
    await new Promise((resolve) => setTimeout(resolve, ReplayPollIntervalMs));
    action = (await adminCall(context, service, 'GET', `/replays/${action.id}`, env))
      .body as AdminAction;
    const p = action.progress;
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
    const r = action.result;
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
    const query = new URLSearchParams();
    for (const name of ['topic', 'type', 'status'] as const) {
      const value = flags[name];
      if (value) query.set(name, value);
    }
    const reply = await adminCall(
      context,
      service,
      'GET',
      `/dead-letters?${query.toString()}`,
      env,
    );
    const letters = (reply.body as { deadLetters: Record<string, unknown>[] }).deadLetters;
    if (flags.json) {
      context.out(JSON.stringify(letters));
      return 0;
    }
    context.out(`${letters.length} dead letter(s) on ${service}`);
    for (const l of letters) {
      context.out(`  ${String(l.id)} [${String(l.status)}] ${String(l.type)} ${String(l.eventId)}`);
      context.out(`    ${String(l.error)}`);
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
    ...(verb === 'discard' && flags.reason ? { reason: flags.reason } : {}),
  };
  const reply = await adminCall(context, service, 'POST', `/dead-letters/${verb}`, env, selector);
  const action = reply.body as AdminAction;
  if (flags.json) context.out(JSON.stringify(action));
  else context.out(`dlq ${verb} on ${service}: ${action.status} ${JSON.stringify(action.result)}`);
  return action.status === 'succeeded' ? 0 : 1;
}
