import { z } from 'zod';
import { DateRange, absentOr, defineRoute, pageLimitSchema, uuidSchema } from '@credit/platform';
import { AdminActionListMax } from './admin-audit';

/** The admin surface every service carries: its request schemas and route definitions. */

const nonEmptyString = z
  .string({
    error: (issue) => (issue.input === undefined ? undefined : 'must be a non-empty string'),
  })
  .refine((value) => value.trim() !== '', { error: 'must be a non-empty string' });
/** Most items a list of an admin request may have (ids, topics, event types). */
export const AdminListMax = 1000;
const stringList = z
  .array(z.string().max(200), { error: 'must be a non-empty array of non-empty strings' })
  .max(AdminListMax)
  .refine((list) => list.length > 0 && list.every((item) => item !== ''), {
    error: 'must be a non-empty array of non-empty strings',
  });
const instant = z
  .string({ error: 'must be an ISO 8601 date-time such as 2026-11-25T08:00:00Z' })
  .refine((value) => /^\d{4}-\d{2}-\d{2}T/.test(value) && !Number.isNaN(Date.parse(value)), {
    error: 'must be an ISO 8601 date-time such as 2026-11-25T08:00:00Z',
    abort: true,
  })
  // Kafka's timestamps start at the epoch: an earlier one would fail inside the replay. A later
  // one than any record merely selects nothing.
  .refine((value) => Date.parse(value) >= 0, {
    error: `must not be before ${DateRange.min}T00:00:00Z (Kafka's timestamps start there)`,
  })
  .meta({ format: 'date-time' });
const offset = z
  .string({ error: 'must be an offset: a string of digits' })
  .regex(/^\d{1,19}$/, 'must be an offset: a string of digits');
const flag = z.boolean({ error: 'must be true or false' });

/** POST /v1/admin/replays: which records of which input topics to apply again. */
export const replayRequestSchema = z
  .object({
    topics: stringList.optional().meta({ description: 'input topics; default: all of them' }),
    from: z
      .literal('earliest')
      .or(instant)
      .optional()
      .meta({ description: 'earliest (default) or an ISO date-time' }),
    to: instant.optional(),
    partition: z
      .number()
      .int('must be a whole number ≥ 0')
      .min(0, 'must be a whole number ≥ 0')
      .optional(),
    fromOffset: offset.optional(),
    toOffset: offset.optional(),
    eventTypes: stringList.optional(),
    aggregateId: nonEmptyString.optional(),
    dryRun: flag.optional(),
  })
  .strict()
  .superRefine((body, ctx) => {
    const from = body.from === undefined || body.from === 'earliest' ? undefined : body.from;
    if (from && body.to && Date.parse(body.to) <= Date.parse(from))
      ctx.addIssue({ code: 'custom', message: 'must be after from', path: ['to'] });
    if (
      body.fromOffset !== undefined &&
      body.toOffset !== undefined &&
      BigInt(body.toOffset) < BigInt(body.fromOffset)
    )
      ctx.addIssue({
        code: 'custom',
        message: 'must not be before fromOffset',
        path: ['toOffset'],
      });
  });
export type ReplayRequest = z.output<typeof replayRequestSchema>;

const deadLetterStatuses = ['open', 'redriven', 'discarded'] as const;

export const deadLetterQuery = z.object({
  topic: nonEmptyString.optional(),
  type: nonEmptyString.optional(),
  status: z
    .enum([...deadLetterStatuses, 'all'], { error: 'must be open, redriven, discarded or all' })
    .optional()
    .meta({ description: 'open (default), redriven, discarded or all' }),
});

/** Which open dead letters a re-drive or discard takes: `ids`, or a filter, or `all: true`. */
const selectorFields = {
  ids: stringList.optional(),
  topic: nonEmptyString.optional(),
  type: nonEmptyString.optional(),
  all: flag.optional(),
};
const selectorRules = (
  body: z.output<z.ZodObject<typeof selectorFields>>,
  ctx: z.RefinementCtx,
) => {
  const narrowed = body.ids !== undefined || body.topic !== undefined || body.type !== undefined;
  if (!narrowed && body.all !== true)
    ctx.addIssue({
      code: 'custom',
      message: 'give ids, a topic or type filter, or all: true',
      path: ['ids'],
    });
  if (body.all === true && narrowed)
    ctx.addIssue({
      code: 'custom',
      message: 'cannot be combined with ids, topic or type',
      path: ['all'],
    });
};
export const redriveSchema = z.object(selectorFields).strict().superRefine(selectorRules);
export const discardSchema = z
  .object({ ...selectorFields, reason: nonEmptyString })
  .strict()
  .superRefine(selectorRules);
export type DeadLetterSelector = z.output<typeof redriveSchema> & { reason?: string };

// ---------------------------------------------------------------- answers

const adminActionSchema = z.object({
  id: z.string(),
  idempotencyKey: z.string(),
  actor: z.string(),
  action: z.string(),
  selection: z.record(z.string(), z.unknown()),
  dryRun: z.boolean(),
  status: z.enum(['running', 'succeeded', 'failed', 'cancelled']),
  progress: z.record(z.string(), z.unknown()).nullable(),
  result: z.record(z.string(), z.unknown()).nullable(),
  error: z.string().nullable(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  ownerInstance: z.string().nullable(),
});

const deadLetterSchema = z.object({
  id: z.string().meta({ description: '<dlq topic>:<partition>:<offset>' }),
  status: z.enum(deadLetterStatuses),
  topic: z.string(),
  partition: z.number().int(),
  offset: z.string(),
  consumerGroup: z.string(),
  eventId: z.string().nullable(),
  type: z.string().nullable(),
  key: z.string().nullable(),
  error: z.string(),
  errorKind: z.string().nullable(),
  attempts: z.number().int().nullable(),
  failedAt: z.string().nullable(),
  resolution: z
    .object({ reason: z.string().nullable(), actionId: z.string(), resolvedAt: z.string() })
    .nullable(),
  message: z.unknown().meta({ description: 'the original record: its envelope, or the raw text' }),
});

// ---------------------------------------------------------------- routes

const actionParams = z.object({ id: uuidSchema });
const adminRoute = { tags: ['admin'], role: 'admin' } as const;

export const listAdminActions = defineRoute({
  ...adminRoute,
  operationId: 'listAdminActions',
  method: 'GET',
  path: '/v1/admin/actions',
  summary: 'The audit of admin actions, newest first (?action=replay&limit=100)',
  query: z.object({
    action: absentOr(z.string().min(1)),
    limit: pageLimitSchema(100, AdminActionListMax),
  }),
  responses: {
    200: { description: 'the actions', body: z.object({ actions: z.array(adminActionSchema) }) },
  },
});

export const getAdminAction = defineRoute({
  ...adminRoute,
  operationId: 'getAdminAction',
  method: 'GET',
  path: '/v1/admin/actions/{id}',
  summary: 'One admin action with its selection and report',
  params: actionParams,
  responses: { 200: { description: 'the action', body: adminActionSchema } },
  errors: { 404: ['ADMIN.ACTION_NOT_FOUND'] },
});

export const startReplay = defineRoute({
  ...adminRoute,
  operationId: 'startReplay',
  method: 'POST',
  path: '/v1/admin/replays',
  summary:
    'Replay input topics into this service (its own consumer group; applied at most once by event id)',
  description:
    'Body: topics, from (earliest | ISO time), to, partition, fromOffset, toOffset, eventTypes, aggregateId, dryRun. 202: started, poll GET /v1/admin/replays/{id}; the same Idempotency-Key answers 200 with the replay it started.',
  idempotencyKey: 'required',
  body: replayRequestSchema,
  responses: {
    200: { description: 'replayed: the replay this key started', body: adminActionSchema },
    202: { description: 'started; poll GET /v1/admin/replays/{id}', body: adminActionSchema },
  },
  errors: { 409: ['ADMIN.IDEMPOTENCY_CONFLICT'] },
});

export const getReplay = defineRoute({
  ...adminRoute,
  operationId: 'getReplay',
  method: 'GET',
  path: '/v1/admin/replays/{id}',
  summary: 'A replay: status, progress (done/total, events/s, ETA), report',
  params: actionParams,
  responses: { 200: { description: 'the replay', body: adminActionSchema } },
  errors: { 404: ['ADMIN.REPLAY_NOT_FOUND'] },
});

export const cancelReplay = defineRoute({
  ...adminRoute,
  operationId: 'cancelReplay',
  method: 'POST',
  path: '/v1/admin/replays/{id}/cancel',
  summary: 'Cancel a running replay; what it applied stays applied',
  params: actionParams,
  responses: { 202: { description: 'cancelling', body: adminActionSchema } },
  errors: { 404: ['ADMIN.REPLAY_NOT_FOUND'], 409: ['ADMIN.REPLAY_FINISHED'] },
});

export const listDeadLetters = defineRoute({
  ...adminRoute,
  operationId: 'listDeadLetters',
  method: 'GET',
  path: '/v1/admin/dead-letters',
  summary: 'Dead letters of this service with error and original message',
  query: deadLetterQuery,
  responses: {
    200: {
      description: 'the dead letters',
      body: z.object({ deadLetters: z.array(deadLetterSchema) }),
    },
  },
});

export const redriveDeadLetters = defineRoute({
  ...adminRoute,
  operationId: 'redriveDeadLetters',
  method: 'POST',
  path: '/v1/admin/dead-letters/redrive',
  summary:
    'Re-drive open dead letters (ids, or topic/type filter, or all: true); each applies at most once',
  idempotencyKey: 'required',
  body: redriveSchema,
  responses: { 200: { description: 'the action and its report', body: adminActionSchema } },
  errors: { 409: ['ADMIN.IDEMPOTENCY_CONFLICT'] },
});

export const discardDeadLetters = defineRoute({
  ...adminRoute,
  operationId: 'discardDeadLetters',
  method: 'POST',
  path: '/v1/admin/dead-letters/discard',
  summary: 'Discard open dead letters with a reason (ids, or topic/type filter, or all: true)',
  idempotencyKey: 'required',
  body: discardSchema,
  responses: { 200: { description: 'the action and its report', body: adminActionSchema } },
  errors: { 409: ['ADMIN.IDEMPOTENCY_CONFLICT'] },
});

export const adminRoutes = [
  listAdminActions,
  getAdminAction,
  startReplay,
  getReplay,
  cancelReplay,
  listDeadLetters,
  redriveDeadLetters,
  discardDeadLetters,
];
