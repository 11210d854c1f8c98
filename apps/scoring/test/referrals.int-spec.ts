import { randomUUID } from 'node:crypto';
import { type Consumer, type Producer } from 'kafkajs';
import {
  ApplicationDecidedV1,
  type ApplicationDecidedV1Payload,
  ApplicationSubmittedV1,
  type ApplicationSubmittedV1Payload,
  type CreditProfile,
  type EventEnvelope,
} from '@credit/contracts';
import { OutboxWriter, derivedEventId, recordOf } from '@credit/messaging';
import { type TestApp, startTestApp } from '@credit/platform';
import {
  borderlineProfile,
  cny,
  strongProfile,
  testKafka,
  waitFor,
  applicationSubmitted,
  type SubmittedApplication,
} from '@credit/testing';
import { ScoringModule } from '../src/app.module';
import { scoringEnvSchema } from '../src/config/env';
import { ReferralEventSource } from '../src/referrals/referrals.service';

const writer = new OutboxWriter('test');
const kafka = testKafka('scoring-referrals-test');

/** From the borderline applicant (34 years old, 12,000 a month, 1,500 of debts). */
function submitted(options: {
  customerId: string;
  profile: CreditProfile;
  creditLine?: string;
  draw?: SubmittedApplication['draw'];
}): EventEnvelope<ApplicationSubmittedV1Payload> {
  const { creditLine, ...rest } = options;
  const payload = applicationSubmitted({
    ...rest,
    age: 34,
    monthlyIncome: '12000.00',
    monthlyDebtPayments: '1500.00',
    ...(creditLine ? { creditLine: { requestedLimit: creditLine } } : {}),
  });
  return writer.build({ definition: ApplicationSubmittedV1, key: payload.applicationId, payload });
}

describe('scoring: the operator queue of referred applications', () => {
  let app: TestApp;
  let producer: Producer;
  let consumer: Consumer;
  /** application.decided events seen on the broker, by event id. */
  const delivered = new Map<string, EventEnvelope<ApplicationDecidedV1Payload>>();

  const decisionOf = (applicationId: string) =>
    waitFor(`the decision on ${applicationId}`, async () => {
      const response = await app.request('GET', `/v1/decisions/${applicationId}`);
      return response.status === 200 ? response.body : undefined;
    });
  const apply = async (options: Parameters<typeof submitted>[0]) => {
    const envelope = submitted(options);
    await producer.send({ topic: ApplicationSubmittedV1.topic, messages: [recordOf(envelope)] });
    return decisionOf(envelope.payload.applicationId);
  };
  const decidedRows = (applicationId: string) =>
    app.dataSource.query<
      { event_id: string; envelope: EventEnvelope<ApplicationDecidedV1Payload> }[]
    >(
      `SELECT event_id, envelope FROM outbox WHERE event_type = 'application.decided' AND message_key = $1
        ORDER BY seq`,
      [applicationId],
    );
  const onBroker = (eventId: string) =>
    waitFor(`application.decided ${eventId} on the broker`, () =>
      Promise.resolve(delivered.get(eventId)),
    );

  let customerLine: string; // a referred credit line
  let customerDraw: string; // an approved line, then two referred cash loans on it
  let referredLine: any;
  let referredDrawToApprove: any;
  let referredDrawToDecline: any;
  let approvedLine: any;

  beforeAll(async () => {
    app = await startTestApp({
      service: 'scoring',
      database: 'credit_test_scoring_referrals',
      envSchema: scoringEnvSchema,
      module: (config, logger) => ScoringModule.register(config, logger),
    });
    producer = kafka.producer();
    await producer.connect();
    consumer = kafka.consumer({ groupId: `scoring-referrals-test-${randomUUID()}` });
    await consumer.connect();
    await consumer.subscribe({ topic: ApplicationDecidedV1.topic, fromBeginning: false });
    await consumer.run({
      eachMessage: ({ message }) => {
        const envelope = JSON.parse(message.value?.toString() ?? '{}') as EventEnvelope<unknown>;
        if (envelope.type === ApplicationDecidedV1.type)
          delivered.set(envelope.eventId, envelope as EventEnvelope<ApplicationDecidedV1Payload>);
        return Promise.resolve();
      },
    });
    // The consumer has joined once it sees an event published after it subscribed.
    await waitFor('the test consumer to join', async () => {
      const probe = await apply({ customerId: `C-${randomUUID()}`, profile: strongProfile });
      return delivered.has(probe.decidedEventId) ? true : undefined;
    });

    customerLine = `C-${randomUUID()}`;
    customerDraw = `C-${randomUUID()}`;
    referredLine = await apply({ customerId: customerLine, profile: borderlineProfile });
    approvedLine = await apply({
      customerId: customerDraw,
      profile: strongProfile,
      creditLine: '30000.00',
    });
    const draw = { lineId: approvedLine.lineId, amount: '8000.00', periods: 12 };
    referredDrawToApprove = await apply({
      customerId: customerDraw,
      profile: borderlineProfile,
      draw,
    });
    referredDrawToDecline = await apply({
      customerId: customerDraw,
      profile: borderlineProfile,
      draw,
    });
  });

  afterAll(async () => {
    await consumer?.disconnect();
    await producer?.disconnect();
    await app?.close();
  });

  it('lists the referred applications waiting, with their decision records, and nothing else', async () => {
    expect(referredLine.decision).toBe('referred');
    expect(referredDrawToApprove.decision).toBe('referred');
    expect(approvedLine.decision).toBe('approved');
    const response = await app.request('GET', '/v1/referrals?status=pending&limit=200');
    expect(response.status).toBe(200);
    const ids = (response.body.referrals as { applicationId: string }[]).map(
      (r) => r.applicationId,
    );
    expect(ids).toEqual(
      expect.arrayContaining([
        referredLine.applicationId,
        referredDrawToApprove.applicationId,
        referredDrawToDecline.applicationId,
      ]),
    );
    expect(ids).not.toContain(approvedLine.applicationId);
    const line = (response.body.referrals as any[]).find(
      (r) => r.applicationId === referredLine.applicationId,
    );
    expect(line).toMatchObject({ status: 'pending', resolution: null });
    expect(line.decision).toMatchObject({
      decision: 'referred',
      kind: 'credit-line',
      modelVersion: 'scorecard-v1',
      rulesFired: [],
      grantedAmount: null,
      decidedEventId: referredLine.decidedEventId,
    });
    expect(line.decision.score).toBeGreaterThanOrEqual(486);
    expect(line.decision.score).toBeLessThan(506);
    expect(line.decision.pointsByAttribute).toHaveLength(11);
    expect(line.decision.inputs.applicant.monthlyIncome).toEqual(cny('12000.00'));

    const notReferred = await app.request('GET', `/v1/referrals/${approvedLine.applicationId}`);
    expect(notReferred.status).toBe(404);
    expect(notReferred.body.error.code).toBe('REFERRAL.NOT_FOUND');

    const paged = await app.request('GET', '/v1/referrals?limit=1');
    expect(paged.body.referrals).toHaveLength(1);
    expect(paged.body.nextCursor).toEqual(expect.any(String));
    const next = await app.request(
      'GET',
      `/v1/referrals?limit=1&cursor=${encodeURIComponent(paged.body.nextCursor)}`,
    );
    expect(next.body.referrals[0].applicationId).not.toBe(paged.body.referrals[0].applicationId);
    const badStatus = await app.request('GET', '/v1/referrals?status=open');
    expect(badStatus.status).toBe(400);
    expect(badStatus.body.error.field).toBe('status');
  });

  it('refuses terms outside policy with a 4xx naming the field, and changes nothing', async () => {
    const path = `/v1/referrals/${referredLine.applicationId}/approve`;
    // Tier C at 12,000 a month: at most min(20,000 requested, 3 × income, 15,000 cap) = 15,000.
    const tooHigh = await app.request('POST', path, {
      idempotencyKey: `too-high-${randomUUID()}`,
      body: { operator: 'ops.li', priceTier: 'C', limit: '15000.01' },
    });
    expect(tooHigh.status).toBe(422);
    expect(tooHigh.body.error).toMatchObject({
      code: 'REFERRAL.OUTSIDE_POLICY',
      field: 'limit',
      max: '15000.00',
    });
    const badTier = await app.request('POST', path, {
      idempotencyKey: `bad-tier-${randomUUID()}`,
      body: { operator: 'ops.li', priceTier: 'Z', limit: '1000.00' },
    });
    expect(badTier.status).toBe(400);
    expect(badTier.body.error.fields.map((f: { field: string }) => f.field)).toEqual(['priceTier']);
    const noLimit = await app.request('POST', path, {
      idempotencyKey: `no-limit-${randomUUID()}`,
      body: { operator: 'ops.li', priceTier: 'A' },
    });
    expect(noLimit.status).toBe(400);
    expect(noLimit.body.error.field).toBe('limit');
    const noOperator = await app.request('POST', path, {
      idempotencyKey: `no-operator-${randomUUID()}`,
      body: { priceTier: 'A', limit: '1000.00' },
    });
    expect(noOperator.status).toBe(400);
    expect(noOperator.body.error.fields[0].field).toBe('operator');
    const noKey = await app.request('POST', path, {
      body: { operator: 'ops.li', priceTier: 'A', limit: '1000.00' },
    });
    expect(noKey.status).toBe(400);
    const customer = await app.request('POST', path, {
      role: 'customer',
      idempotencyKey: `customer-${randomUUID()}`,
      body: { operator: 'ops.li', priceTier: 'A', limit: '1000.00' },
    });
    expect(customer.status).toBe(403);

    const still = await app.request('GET', `/v1/referrals/${referredLine.applicationId}`);
    expect(still.body).toMatchObject({ status: 'pending', resolution: null });
    expect(await decidedRows(referredLine.applicationId)).toHaveLength(1);
    const [audit] = await app.dataSource.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM referral_resolutions WHERE application_id = $1`,
      [referredLine.applicationId],
    );
    expect(audit?.n).toBe(0);
  });

  describe('approve within policy', () => {
    const key = `approve-line-${randomUUID()}`;
    const body = { operator: 'ops.li', priceTier: 'C', limit: '12000.00', note: 'payslips seen' };
    let first: any;

    beforeAll(async () => {
      first = await app.request('POST', `/v1/referrals/${referredLine.applicationId}/approve`, {
        idempotencyKey: key,
        body,
      });
    });

    it('answers 201 with the decision and the audit record of who decided, when and why', () => {
      expect(first.status).toBe(201);
      expect(first.headers.get('idempotent-replayed')).toBe('false');
      expect(first.body.status).toBe('approved');
      expect(first.body.resolution).toMatchObject({
        resolution: 'approved',
        operator: 'ops.li',
        // The credential that called (role:holder:credentialId), besides the operator named in the body.
        apiActor: 'operator:bootstrap:env-operator',
        note: 'payslips seen',
        reasonCode: null,
        grantedAmount: cny('12000.00'),
        priceTier: 'C',
        referredEventId: referredLine.decidedEventId,
        referredAt: referredLine.decidedAt,
        idempotencyKey: key,
      });
      expect(Date.parse(first.body.resolution.resolvedAt)).toBeGreaterThanOrEqual(
        Date.parse(referredLine.decidedAt),
      );
      expect(first.body.decision).toMatchObject({
        decision: 'approved',
        priceTier: 'C',
        grantedAmount: cny('12000.00'),
        score: referredLine.score,
        pointsByAttribute: referredLine.pointsByAttribute,
      });
    });

    it('publishes application.decided (approved) with an id derived from the referral, like an automatic approval', async () => {
      const expectedId = derivedEventId(
        ReferralEventSource,
        referredLine.decidedEventId,
        'application.decided',
        referredLine.applicationId,
        1,
      );
      expect(first.body.resolution.decidedEventId).toBe(expectedId);
      const rows = await decidedRows(referredLine.applicationId);
      expect(rows.map((r) => r.event_id)).toEqual([referredLine.decidedEventId, expectedId]);

      const event = await onBroker(expectedId);
      expect(ApplicationDecidedV1.schema.safeParse(event.payload).success).toBe(true);
      expect(event).toMatchObject({
        type: 'application.decided',
        version: 1,
        key: referredLine.applicationId,
        producer: 'scoring',
        causationId: referredLine.decidedEventId,
      });
      expect(event.payload).toMatchObject({
        applicationId: referredLine.applicationId,
        customerId: customerLine,
        kind: 'credit-line',
        decision: 'approved',
        score: referredLine.score,
        creditLine: { lineId: first.body.decision.lineId, limit: cny('12000.00'), priceTier: 'C' },
        draw: null,
      });
      // The shape an automatic approval publishes, field for field.
      const automatic = await onBroker(approvedLine.decidedEventId);
      expect(Object.keys(event.payload).sort()).toEqual(Object.keys(automatic.payload).sort());
    });

    it('makes the line a line like any other: a draw on it is scored and approved', async () => {
      const draw = await apply({
        customerId: customerLine,
        profile: strongProfile,
        draw: { lineId: first.body.decision.lineId, amount: '2000.00', periods: 6 },
      });
      expect(draw.decision).toBe('approved');
      expect(draw.published.draw).toMatchObject({ lineId: first.body.decision.lineId });
    });

    it('answers a repeat with the same key and body from the record (200), and publishes nothing more', async () => {
      const again = await app.request(
        'POST',
        `/v1/referrals/${referredLine.applicationId}/approve`,
        {
          idempotencyKey: key,
          body,
        },
      );
      expect(again.status).toBe(200);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(again.body.resolution).toEqual(first.body.resolution);
      expect(await decidedRows(referredLine.applicationId)).toHaveLength(2);

      const otherBody = await app.request(
        'POST',
        `/v1/referrals/${referredLine.applicationId}/approve`,
        {
          idempotencyKey: key,
          body: { ...body, limit: '11000.00' },
        },
      );
      expect(otherBody.status).toBe(409);
      expect(otherBody.body.error.code).toBe('REFERRAL.IDEMPOTENCY_CONFLICT');

      const otherKey = await app.request(
        'POST',
        `/v1/referrals/${referredLine.applicationId}/decline`,
        {
          idempotencyKey: `late-decline-${randomUUID()}`,
          body: { operator: 'ops.wang', reasonCode: 'REFERRAL.ADVERSE_HISTORY' },
        },
      );
      expect(otherKey.status).toBe(409);
      expect(otherKey.body.error).toMatchObject({
        code: 'REFERRAL.NOT_PENDING',
        status: 'approved',
      });
      expect(await decidedRows(referredLine.applicationId)).toHaveLength(2);
    });
  });

  it('approves a referred draw at the tier price: the approved draw event disbursement pays out', async () => {
    const response = await app.request(
      'POST',
      `/v1/referrals/${referredDrawToApprove.applicationId}/approve`,
      {
        idempotencyKey: `approve-draw-${randomUUID()}`,
        body: { operator: 'ops.zhao', priceTier: 'B' },
      },
    );
    expect(response.status).toBe(201);
    expect(response.body.decision).toMatchObject({
      decision: 'approved',
      grantedAmount: cny('8000.00'),
      lineId: approvedLine.lineId,
    });
    const event = await onBroker(response.body.resolution.decidedEventId);
    expect(event.payload).toMatchObject({
      decision: 'approved',
      kind: 'draw',
      creditLine: null,
      draw: {
        lineId: approvedLine.lineId,
        product: 'cash-loan',
        amount: cny('8000.00'),
        periods: 12,
        pricing: { method: 'daily-interest', dailyRate: '0.0004', periods: 12 },
      },
    });
  });

  describe('decline with a reason code', () => {
    it('refuses a code that is not on the list, naming reasonCode', async () => {
      const response = await app.request(
        'POST',
        `/v1/referrals/${referredDrawToDecline.applicationId}/decline`,
        {
          idempotencyKey: `bad-reason-${randomUUID()}`,
          body: { operator: 'ops.wang', reasonCode: 'DONT_LIKE_IT' },
        },
      );
      expect(response.status).toBe(400);
      expect(response.body.error.fields.map((f: { field: string }) => f.field)).toEqual([
        'reasonCode',
      ]);
    });

    it('publishes application.decided (declined) with the reason first, audited', async () => {
      const response = await app.request(
        'POST',
        `/v1/referrals/${referredDrawToDecline.applicationId}/decline`,
        {
          role: 'admin',
          idempotencyKey: `decline-draw-${randomUUID()}`,
          body: { operator: 'ops.wang', reasonCode: 'REFERRAL.INCOME_NOT_VERIFIED' },
        },
      );
      expect(response.status).toBe(201);
      expect(response.body.resolution).toMatchObject({
        resolution: 'declined',
        operator: 'ops.wang',
        apiActor: 'admin:bootstrap:env-admin',
        reasonCode: 'REFERRAL.INCOME_NOT_VERIFIED',
        grantedAmount: null,
        priceTier: null,
      });
      const event = await onBroker(response.body.resolution.decidedEventId);
      expect(event.payload).toMatchObject({ decision: 'declined', creditLine: null, draw: null });
      expect(event.payload.reasons[0]).toEqual({
        code: 'REFERRAL.INCOME_NOT_VERIFIED',
        text: 'Income could not be verified on manual review',
      });
      expect(event.payload.reasons.length).toBeLessThanOrEqual(4);
    });
  });

  it('lists resolved referrals with their audit records and drops them from the pending queue', async () => {
    const resolved = await app.request('GET', '/v1/referrals?status=resolved&limit=200');
    const byId = new Map(
      (resolved.body.referrals as any[]).map((r) => [r.applicationId, r.resolution]),
    );
    expect(byId.get(referredLine.applicationId)).toMatchObject({ operator: 'ops.li' });
    expect(byId.get(referredDrawToApprove.applicationId)).toMatchObject({ operator: 'ops.zhao' });
    expect(byId.get(referredDrawToDecline.applicationId)).toMatchObject({
      operator: 'ops.wang',
      resolution: 'declined',
    });
    const pending = await app.request('GET', '/v1/referrals?limit=200');
    const ids = (pending.body.referrals as { applicationId: string }[]).map((r) => r.applicationId);
    expect(ids).not.toContain(referredLine.applicationId);
    expect(ids).not.toContain(referredDrawToDecline.applicationId);
  });
});
