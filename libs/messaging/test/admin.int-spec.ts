import { type DynamicModule, Injectable, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import type { EntityManager } from 'typeorm';
import { z } from 'zod';
import type { EventEnvelope } from '@credit/contracts';
import { PlatformModule, type TestApp, serviceEnvShape, startTestApp } from '@credit/platform';
import { AdminAudit } from '../src/admin/admin-audit';
import { CreateAdminTables1764900000000 } from '../src/admin/admin-tables.migration';
import { AddOutboxHeaders1764900000001 } from '../src/outbox-headers.migration';
import { planRanges, rangeSize, readRanges } from '../src/admin/topic-reader';
import type { EventHandler } from '../src/event-consumer';
import { CreateMessagingTables1764000000000 } from '../src/messaging-tables.migration';
import { MessagingModule } from '../src/messaging.module';
import { OutboxWriter } from '../src/outbox-writer';
import { recordOf } from '../src/records';
import { AddWorkerSignals1765200000000 } from '../src/worker-signals.migration';
import {
  CreateTestEffects1764000000001,
  freshTopic,
  kafkaClient,
  testCatalog,
  testEventDefinition,
  waitFor,
} from './support';

/** The topic of this file's service, set before the module is built. */
let topic = '';

/** Applies test.happened by recording its n; the values in `broken` fail, as a bug would. */
@Injectable()
class EffectsHandler implements EventHandler<{ n: number }> {
  static readonly broken = new Set<number>();
  readonly name = 'admin-test-effects';
  readonly definition = testEventDefinition(topic);

  async handle(event: EventEnvelope<{ n: number }>, manager: EntityManager): Promise<void> {
    if (EffectsHandler.broken.has(event.payload.n)) {
      throw new Error(`cannot apply n=${event.payload.n}: bug`);
    }
    await manager.query(`INSERT INTO test_effects (event_id, n) VALUES ($1, $2)`, [
      event.eventId,
      event.payload.n,
    ]);
  }
}

@Module({})
class AdminTestModule {
  static register(config: z.infer<typeof envSchema>, logger: Logger): DynamicModule {
    return {
      module: AdminTestModule,
      imports: [
        PlatformModule.forRoot({
          service: 'admin-test',
          config,
          logger,
          database: {
            entities: [],
            migrations: [
              CreateMessagingTables1764000000000,
              CreateTestEffects1764000000001,
              CreateAdminTables1764900000000,
              AddOutboxHeaders1764900000001,
              AddWorkerSignals1765200000000,
            ],
          },
        }),
        MessagingModule.forRoot({
          catalog: testCatalog(topic),
          consumers: [{ groupId: config.KAFKA_CONSUMER_GROUP ?? 'x', handlers: [EffectsHandler] }],
        }),
      ],
      providers: [EffectsHandler],
    };
  }
}

const envSchema = z.object(serviceEnvShape);
const writer = new OutboxWriter('admin-test');
const kafka = kafkaClient('admin-test');

describe('admin replay, dead letters and audit on a real broker and PostgreSQL', () => {
  let app: TestApp;
  const events = [1, 2, 3].map((n) => ({ n, envelope: undefined as unknown as EventEnvelope }));
  const effects = async (n?: number) =>
    (
      await app.dataSource.query<{ c: number }[]>(
        `SELECT count(*)::int AS c FROM test_effects WHERE $1::int IS NULL OR n = $1`,
        [n ?? null],
      )
    )[0]?.c;
  const rowCounts = async () =>
    app.dataSource.query<{ effects: number; inbox: number; outbox: number }[]>(
      `SELECT (SELECT count(*)::int FROM test_effects) AS effects, (SELECT count(*)::int FROM inbox) AS inbox,
              (SELECT count(*)::int FROM outbox) AS outbox`,
    );
  const admin = (method: string, path: string, body?: unknown, key?: string) =>
    app.request(method, `/v1/admin${path}`, {
      role: 'admin',
      ...(body !== undefined ? { body } : {}),
      ...(key ? { idempotencyKey: key } : {}),
    });
  let keys = 0;
  const key = () => `admin-test-${Date.now()}-${++keys}`;
  const finished = (id: string) =>
    waitFor(`replay ${id} to finish`, async () => {
      const reply = await admin('GET', `/replays/${id}`);
      return reply.body.status !== 'running' ? reply.body : undefined;
    });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });

  beforeAll(async () => {
    topic = await freshTopic(kafka, 'admin', 1);
    EffectsHandler.broken.add(2);
    app = await startTestApp({
      service: 'admin-test',
      database: 'credit_test_messaging_admin',
      envSchema,
      module: (config, logger) => AdminTestModule.register(config, logger),
      env: { CONSUMER_MAX_RETRIES: '1', REPLAY_MAX_EVENTS_PER_SECOND: '50' },
    });
    await producer.connect();
    const definition = testEventDefinition(topic);
    for (const event of events) {
      event.envelope = writer.build({ definition, key: `agg-${event.n}`, payload: { n: event.n } });
    }
    await producer.send({ topic, acks: -1, messages: events.map((e) => recordOf(e.envelope)) });
    // A record that is not even JSON: dead-lettered as malformed at once.
    await producer.send({ topic, acks: -1, messages: [{ key: 'junk', value: 'not json' }] });
    await waitFor('1 and 3 applied', async () => ((await effects()) === 2 ? true : undefined));
  });

  afterAll(async () => {
    await producer.disconnect();
    await app.close();
  });

  it('answers 403 to a non-admin key on every admin endpoint, and changes nothing', async () => {
    const id = '00000000-0000-4000-8000-000000000000';
    const routes: [string, string][] = [
      ['GET', '/actions'],
      ['GET', `/actions/${id}`],
      ['POST', '/replays'],
      ['GET', `/replays/${id}`],
      ['POST', `/replays/${id}/cancel`],
      ['GET', '/dead-letters'],
      ['POST', '/dead-letters/redrive'],
      ['POST', '/dead-letters/discard'],
    ];
    const before = await rowCounts();
    for (const role of ['operator', 'customer'] as const) {
      for (const [method, path] of routes) {
        const reply = await app.request(method, `/v1/admin${path}`, {
          role,
          idempotencyKey: key(),
          ...(method === 'POST' ? { body: { all: true, reason: 'x' } } : {}),
        });
        expect({ role, method, path, status: reply.status }).toEqual({
          role,
          method,
          path,
          status: 403,
        });
      }
    }
    expect(await rowCounts()).toEqual(before);
    expect((await admin('GET', '/actions')).body.actions).toEqual([]);
  });

  it('lists the dead letters with their error and original message', async () => {
    const reply = await admin('GET', '/dead-letters');
    expect(reply.status).toBe(200);
    const letters = reply.body.deadLetters as {
      status: string;
      type: string | null;
      error: string;
      errorKind: string;
      message: unknown;
      topic: string;
    }[];
    expect(letters).toHaveLength(2);
    const poison = letters.find((l) => l.type === 'test.happened');
    expect(poison).toMatchObject({
      status: 'open',
      topic,
      errorKind: 'processing',
      message: JSON.parse(JSON.stringify(events[1]!.envelope)),
    });
    expect(poison?.error).toContain('cannot apply n=2: bug');
    expect(letters.find((l) => l.type === null)).toMatchObject({
      errorKind: 'malformed',
      message: 'not json',
    });
  });

  it('re-drives a poison event after the fix exactly once', async () => {
    const listed = (await admin('GET', `/dead-letters?type=test.happened`)).body.deadLetters as {
      id: string;
    }[];
    const id = listed[0]!.id;
    // Still broken: the re-drive reports the failure and the letter stays open.
    const early = await admin('POST', '/dead-letters/redrive', { ids: [id] }, key());
    expect(early.body).toMatchObject({ action: 'dlq.redrive', status: 'failed' });
    expect(early.body.result.counts).toEqual({ failed: 1 });
    expect(await effects(2)).toBe(0);

    EffectsHandler.broken.delete(2);
    const fixed = await admin('POST', '/dead-letters/redrive', { ids: [id] }, key());
    expect(fixed.body).toMatchObject({ status: 'succeeded', result: { counts: { applied: 1 } } });
    expect(await effects(2)).toBe(1);
    // Nothing open of that type any more; re-driving the same filter again selects nothing.
    const again = await admin('POST', '/dead-letters/redrive', { type: 'test.happened' }, key());
    expect(again.body).toMatchObject({ status: 'succeeded', result: { selected: 0 } });
    expect(await effects(2)).toBe(1);
    const all = (await admin('GET', '/dead-letters?status=all&type=test.happened')).body;
    expect(all.deadLetters[0]).toMatchObject({ id, status: 'redriven' });
  });

  it('discards a dead letter only with a reason', async () => {
    const noReason = await admin('POST', '/dead-letters/discard', { all: true }, key());
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.fields).toEqual([{ field: 'reason', problems: ['is required'] }]);
    const discarded = await admin(
      'POST',
      '/dead-letters/discard',
      { all: true, reason: 'garbage from a broken producer' },
      key(),
    );
    expect(discarded.body).toMatchObject({ status: 'succeeded', result: { discarded: 1 } });
    expect((await admin('GET', '/dead-letters')).body.deadLetters).toEqual([]);
  });

  it('a dry run reports new versus already applied and writes nothing', async () => {
    // As if event 3 had been lost with a restored database.
    await app.dataSource.query(`DELETE FROM test_effects WHERE n = 3`);
    await app.dataSource.query(`DELETE FROM inbox WHERE event_id = $1`, [
      events[2]!.envelope.eventId,
    ]);
    const before = await rowCounts();
    const started = await admin('POST', '/replays', { from: 'earliest', dryRun: true }, key());
    expect(started.status).toBe(202);
    const report = await finished(started.body.id);
    expect(report).toMatchObject({ status: 'succeeded', dryRun: true });
    expect(report.result).toMatchObject({
      done: 4,
      total: 4,
      counts: { 'would-apply': 1, 'already-applied': 2, invalid: 1, applied: 0 },
    });
    expect(await rowCounts()).toEqual(before);
  });

  it('a replay applies only what is missing, and replaying again changes nothing', async () => {
    const first = await admin('POST', '/replays', { from: 'earliest' }, key());
    const report = await finished(first.body.id);
    expect(report.result.counts).toMatchObject({ applied: 1, 'already-applied': 2 });
    expect(await effects(3)).toBe(1);
    const before = await rowCounts();
    const second = await finished((await admin('POST', '/replays', {}, key())).body.id);
    expect(second.result.counts).toMatchObject({ applied: 0, 'already-applied': 3 });
    expect(await rowCounts()).toEqual(before);
  });

  it('selects by offset range, event type and aggregate', async () => {
    const byOffset = await finished(
      (await admin('POST', '/replays', { partition: 0, fromOffset: '1', toOffset: '2' }, key()))
        .body.id,
    );
    expect(byOffset.result).toMatchObject({ total: 2, done: 2 });
    const byAggregate = await finished(
      (await admin('POST', '/replays', { aggregateId: 'agg-3', dryRun: true }, key())).body.id,
    );
    expect(byAggregate.result.counts).toMatchObject({ 'already-applied': 1, ignored: 2 });
    // An event type selects the topics that carry it.
    const byType = await finished(
      (await admin('POST', '/replays', { eventTypes: ['test.happened'], dryRun: true }, key())).body
        .id,
    );
    expect(byType.selection).toMatchObject({ topics: [topic], eventTypes: ['test.happened'] });
    const future = await finished(
      (await admin('POST', '/replays', { from: '2999-01-01T00:00:00Z' }, key())).body.id,
    );
    expect(future.result).toMatchObject({ total: 0, done: 0 });
  });

  it('rejects a bad selection with 400 naming the field', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ topics: ['no.such.topic'] }, 'topics'],
      [{ from: 'yesterday' }, 'from'],
      [{ from: '2026-01-02T00:00:00Z', to: '2026-01-01T00:00:00Z' }, 'to'],
      [{ partition: -1 }, 'partition'],
      [{ fromOffset: 12 }, 'fromOffset'],
      [{ eventTypes: ['loan.unknown'] }, 'eventTypes'],
      [{ dryRun: 'yes' }, 'dryRun'],
      [{ color: 'blue' }, 'color'],
    ];
    for (const [body, field] of cases) {
      const reply = await admin('POST', '/replays', body, key());
      expect({ field, status: reply.status, named: reply.body.error?.fields?.[0]?.field }).toEqual({
        field,
        status: 400,
        named: field,
      });
    }
    const noKey = await app.request('POST', '/v1/admin/replays', { role: 'admin', body: {} });
    expect(noKey.status).toBe(400);
  });

  it('the same idempotency key returns the first replay; with another body it is refused', async () => {
    const k = key();
    const first = await admin('POST', '/replays', { dryRun: true }, k);
    const again = await admin('POST', '/replays', { dryRun: true }, k);
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
    expect((await admin('POST', '/replays', { dryRun: false }, k)).status).toBe(409);
    await finished(first.body.id);
  });

  it('cancels a running replay', async () => {
    const definition = testEventDefinition(topic);
    const many = Array.from({ length: 200 }, (_, i) =>
      writer.build({ definition, key: `bulk-${i}`, payload: { n: 1000 + i } }),
    );
    await producer.send({ topic, acks: -1, messages: many.map(recordOf) });
    await waitFor('the bulk applied', async () => ((await effects()) ?? 0) >= 203 || undefined);
    // 50 events/s in this app: the replay takes seconds, long enough to cancel.
    const started = await admin('POST', '/replays', { dryRun: true }, key());
    const cancelled = await admin('POST', `/replays/${started.body.id}/cancel`);
    expect(cancelled.status).toBe(202);
    const report = await finished(started.body.id);
    expect(report.status).toBe('cancelled');
    expect(report.result.done).toBeLessThan(report.result.total);
    expect((await admin('POST', `/replays/${started.body.id}/cancel`)).status).toBe(409);
  });

  it('reads a range that spans many fetches once, record by record, and ends', async () => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      const ranges = await planRanges(admin, { topics: [topic] });
      const seen: string[] = [];
      // 1 KiB per fetch: a few records per batch, so the read must move from batch to batch.
      await readRanges(
        kafka,
        `admin-test-reader-${Date.now()}`,
        ranges,
        (_t, _p, message) => {
          seen.push(message.offset);
        },
        { stopped: () => false },
        { maxBytesPerPartition: 1024 },
      );
      expect(seen).toEqual(
        Array.from({ length: rangeSize(ranges) }, (_, i) => String(Number(ranges[0]!.start) + i)),
      );
      expect(seen.length).toBeGreaterThan(100);
    } finally {
      await admin.disconnect();
    }
  });

  it('keeps an audit of every admin action: who, what selection, dry run or not, result counts', async () => {
    const actions = (await admin('GET', '/actions?limit=100')).body.actions as {
      actor: string;
      action: string;
      dryRun: boolean;
      status: string;
      selection: Record<string, unknown>;
      result: Record<string, unknown> | null;
    }[];
    const kinds = new Set(actions.map((a) => a.action));
    expect([...kinds].sort()).toEqual(['dlq.discard', 'dlq.redrive', 'replay']);
    for (const action of actions) {
      expect(action.actor).toBe('admin:bootstrap:env-admin');
      expect(action.result).not.toBeNull();
    }
    expect(actions.some((a) => a.action === 'replay' && a.dryRun)).toBe(true);
    expect(actions.some((a) => a.action === 'replay' && !a.dryRun)).toBe(true);
    expect(actions.find((a) => a.action === 'dlq.discard')?.selection).toMatchObject({
      reason: 'garbage from a broken producer',
    });
    expect((await admin('GET', '/actions?limit=0')).status).toBe(400);
  });

  it("a booting instance leaves another live instance's running action alone; an expired lease is failed", async () => {
    const owner = new AdminAudit(app.dataSource, 'instance-a', 1_000);
    const booting = new AdminAudit(app.dataSource, 'instance-b', 1_000);
    const { action } = await owner.begin({
      idempotencyKey: `lease-${Date.now()}`,
      actor: 'admin',
      action: 'test-long-action',
      selection: {},
      dryRun: false,
    });
    expect(action).toMatchObject({ status: 'running', ownerInstance: 'instance-a' });
    const statusOf = async () => (await booting.get(action.id))?.status;

    // Instance b boots while a runs the action and renews its lease: the action stays running.
    await booting.failInterrupted();
    expect(await statusOf()).toBe('running');
    await app.dataSource.query(
      `UPDATE admin_actions SET lease_until = now() - interval '1 second' WHERE id = $1`,
      [action.id],
    );
    await owner.renewLeases();
    await booting.failInterrupted();
    expect(await statusOf()).toBe('running');

    // a stops renewing (it died): once the lease expired, b fails the action.
    await app.dataSource.query(
      `UPDATE admin_actions SET lease_until = now() - interval '1 second' WHERE id = $1`,
      [action.id],
    );
    expect(await booting.failInterrupted()).toBe(1);
    expect(await booting.get(action.id)).toMatchObject({
      status: 'failed',
      error: 'interrupted: the service stopped while it ran',
    });
  });

  it('a restarted instance fails its own leftovers at once, whatever their lease', async () => {
    const before = new AdminAudit(app.dataSource, 'instance-c', 60_000);
    const { action } = await before.begin({
      idempotencyKey: `restart-${Date.now()}`,
      actor: 'admin',
      action: 'test-long-action',
      selection: {},
      dryRun: false,
    });
    const restarted = new AdminAudit(app.dataSource, 'instance-c', 60_000);
    expect(await restarted.failInterrupted()).toBe(1);
    expect((await restarted.get(action.id))?.status).toBe('failed');
  });
});
