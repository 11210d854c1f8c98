import { randomUUID } from 'node:crypto';
import { Kafka, type Producer, logLevel } from 'kafkajs';
import {
  ApplicationSubmittedV1,
  type ApplicationSubmittedV1Payload,
  type CreditProfile,
  type EventEnvelope,
} from '@credit/contracts';
import { OutboxWriter, recordOf } from '@credit/messaging';
import { type TestApp, startTestApp } from '@credit/platform';
import { ScoringModule } from '../src/app.module';
import { scoringEnvSchema } from '../src/config/env';

const writer = new OutboxWriter('test');
const kafka = new Kafka({
  clientId: 'scoring-test',
  brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
  logLevel: logLevel.NOTHING,
});

/** The best bin of every scorecard attribute: scores tier A on a small, short request. */
const strongProfile: CreditProfile = {
  checkingStatus: 'no checking',
  creditHistory: 'critical/other existing credit',
  purpose: 'used car',
  savingsStatus: '>=1000',
  employmentSince: '4<=X<7',
  installmentRatePercent: 2,
  otherParties: 'none',
  residenceSince: 4,
  propertyMagnitude: 'real estate',
  otherPaymentPlans: 'none',
  housing: 'own',
  existingCredits: 1,
  job: 'skilled',
  dependents: 1,
  ownTelephone: 'yes',
};
const cny = (amount: string) => ({ amount, currency: 'CNY' });

async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

interface ApplicationOptions {
  customerId: string;
  age?: number;
  monthlyIncome?: string;
  monthlyDebtPayments?: string;
  profile?: CreditProfile;
  creditLine?: { requestedLimit: string };
  draw?: { lineId: string; amount: string; periods: number };
}

function submitted(options: ApplicationOptions): EventEnvelope<ApplicationSubmittedV1Payload> {
  const applicationId = `A-${randomUUID()}`;
  const draw = options.draw;
  return writer.build({
    definition: ApplicationSubmittedV1,
    key: applicationId,
    payload: {
      applicationId,
      customerId: options.customerId,
      kind: draw ? 'draw' : 'credit-line',
      applicant: {
        age: options.age ?? 40,
        monthlyIncome: cny(options.monthlyIncome ?? '10000.00'),
        monthlyDebtPayments: cny(options.monthlyDebtPayments ?? '500.00'),
        profile: options.profile ?? strongProfile,
      },
      creditLine: draw
        ? null
        : { requestedLimit: cny(options.creditLine?.requestedLimit ?? '20000.00') },
      draw: draw
        ? {
            lineId: draw.lineId,
            product: 'cash-loan',
            amount: cny(draw.amount),
            periods: draw.periods,
            merchantId: null,
            feePayer: null,
          }
        : null,
      submittedAt: new Date().toISOString(),
    },
  });
}

describe('scoring service on real PostgreSQL and Kafka', () => {
  let app: TestApp;
  let producer: Producer;

  beforeAll(async () => {
    app = await startTestApp({
      service: 'scoring',
      database: 'credit_test_scoring',
      envSchema: scoringEnvSchema,
      module: (config, logger) => ScoringModule.register(config, logger),
      // Lines of a customer up to 3 × income (30,000 at 10,000 a month): easy to exceed.
      env: { SCORING_EXPOSURE_INCOME_MULTIPLE: '3' },
    });
    producer = kafka.producer();
    await producer.connect();
  });
  afterAll(async () => {
    await producer.disconnect();
    await app.close();
  });

  const publish = async (...envelopes: EventEnvelope[]) => {
    await producer.send({ topic: ApplicationSubmittedV1.topic, messages: envelopes.map(recordOf) });
  };
  const decisionOf = (applicationId: string) =>
    waitFor(`the decision on ${applicationId}`, async () => {
      const response = await app.request('GET', `/v1/decisions/${applicationId}`);
      return response.status === 200 ? response.body : undefined;
    });
  /** Publishes one application and waits for its decision. */
  const apply = async (options: ApplicationOptions) => {
    const envelope = submitted(options);
    await publish(envelope);
    return decisionOf(envelope.payload.applicationId);
  };
  const decidedRows = (applicationId: string) =>
    app.dataSource.query<{ envelope: any }[]>(
      `SELECT envelope FROM outbox WHERE event_type = 'application.decided' AND message_key = $1`,
      [applicationId],
    );
  const count = async (table: 'decisions' | 'outbox') =>
    (await app.dataSource.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM ${table}`))[0]?.n;

  it('good-applicant-credit-line-approved: limit and price tier, stored and published in one transaction', async () => {
    const envelope = submitted({ customerId: `C-${randomUUID()}` });
    await publish(envelope);
    const { applicationId } = envelope.payload;
    const decision = await decisionOf(applicationId);
    expect(decision).toMatchObject({
      applicationId,
      kind: 'credit-line',
      decision: 'approved',
      modelVersion: 'scorecard-v1',
      priceTier: 'A',
      grantedAmount: cny('20000.00'),
      rulesFired: [],
      inputs: envelope.payload,
      sourceEventId: envelope.eventId,
    });
    expect(decision.score).toBeGreaterThanOrEqual(560);
    expect(decision.pd).toMatch(/^0\.\d{4}$/);
    expect(decision.pointsByAttribute).toHaveLength(11); // the attributes of scorecard-v1
    expect(decision.pointsByAttribute[0]).toEqual({
      field: 'checkingStatus',
      bin: 'no checking',
      points: 74,
      maxPoints: 74,
    });

    const rows = await decidedRows(applicationId);
    expect(rows).toHaveLength(1);
    const published = rows[0]?.envelope;
    expect(published).toMatchObject({
      eventId: decision.decidedEventId,
      type: 'application.decided',
      version: 1,
      key: applicationId,
      producer: 'scoring',
      causationId: envelope.eventId,
      correlationId: envelope.correlationId,
    });
    expect(published.payload).toEqual(decision.published);
    expect(published.payload).toMatchObject({
      decision: 'approved',
      score: decision.score,
      pd: decision.pd,
      creditLine: { lineId: decision.lineId, limit: cny('20000.00'), priceTier: 'A' },
      draw: null,
    });
  });

  it('draws-on-a-line: priced at the tier rate until the remaining limit is used up', async () => {
    const customerId = `C-${randomUUID()}`;
    const line = await apply({ customerId });
    expect(line.decision).toBe('approved');
    const first = await apply({
      customerId,
      draw: { lineId: line.lineId, amount: '15000.00', periods: 6 },
    });
    expect(first.decision).toBe('approved');
    expect(first.published.draw).toMatchObject({
      lineId: line.lineId,
      amount: cny('15000.00'),
      pricing: { method: 'daily-interest', periods: 6, dailyRate: '0.0003', dayCount: 'ACT/365' },
      merchantFee: null,
    });
    // 20,000 − 15,000 approved = 5,000 remaining.
    const over = await apply({
      customerId,
      draw: { lineId: line.lineId, amount: '6000.00', periods: 6 },
    });
    expect(over.decision).toBe('declined');
    expect(over.rulesFired).toEqual([
      {
        code: 'EXPOSURE_CAP',
        detail:
          "draw 6000.00 exceeds the line's remaining limit 5000.00 (limit 20000.00 − drawn 15000.00)",
      },
    ]);
    expect(over.published.reasons[0].code).toBe('EXPOSURE_CAP');
    const other = await apply({
      customerId: `C-${randomUUID()}`,
      draw: { lineId: line.lineId, amount: '100.00', periods: 3 },
    });
    expect(other.rulesFired.map((r: { code: string }) => r.code)).toEqual(['UNKNOWN_LINE']);
  });

  describe('rule declines whatever the score', () => {
    it('over-limit-exposure: a second line beyond 3 × income', async () => {
      const customerId = `C-${randomUUID()}`;
      expect((await apply({ customerId })).decision).toBe('approved');
      const second = await apply({ customerId, creditLine: { requestedLimit: '15000.00' } });
      expect(second.score).toBeGreaterThanOrEqual(560);
      expect(second.decision).toBe('declined');
      expect(second.published).toMatchObject({
        decision: 'declined',
        rulesFired: ['EXPOSURE_CAP'],
        creditLine: null,
      });
      expect(second.published.reasons[0]).toEqual({
        code: 'EXPOSURE_CAP',
        text: 'The request exceeds the credit we can extend',
      });
    });

    it('failed-affordability: installment + existing debt above half the income', async () => {
      const decision = await apply({
        customerId: `C-${randomUUID()}`,
        monthlyDebtPayments: '4000.00',
      });
      expect(decision.decision).toBe('declined');
      expect(decision.published.rulesFired).toEqual(['AFFORDABILITY']);
      expect(decision.published.reasons[0].code).toBe('AFFORDABILITY');
    });

    it('velocity: the sixth application of a customer in a day is declined', async () => {
      const customerId = `C-${randomUUID()}`;
      for (let n = 1; n <= 5; n++) {
        const decision = await apply({ customerId, creditLine: { requestedLimit: '1000.00' } });
        expect({ n, decision: decision.decision }).toEqual({ n, decision: 'approved' });
      }
      const sixth = await apply({ customerId, creditLine: { requestedLimit: '1000.00' } });
      expect(sixth.decision).toBe('declined');
      expect(sixth.published.rulesFired).toEqual(['VELOCITY']);
      expect(sixth.published.reasons[0].code).toBe('VELOCITY');
    });

    it('age-17: declined with AGE first', async () => {
      const decision = await apply({ customerId: `C-${randomUUID()}`, age: 17 });
      expect(decision.decision).toBe('declined');
      expect(decision.published.rulesFired).toEqual(['AGE']);
      expect(decision.published.reasons[0]).toEqual({
        code: 'AGE',
        text: 'Applicant age outside the range we lend to',
      });
    });
  });

  it('application-submitted-delivered-twice: one decision, one application.decided', async () => {
    const envelope = submitted({ customerId: `C-${randomUUID()}` });
    const { applicationId } = envelope.payload;
    // The same event twice, and the same application again under a new event id.
    const again = { ...envelope, eventId: randomUUID() };
    await publish(envelope, envelope, again);
    await decisionOf(applicationId);
    await waitFor('both event ids in the inbox', async () => {
      const rows = await app.dataSource.query<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM inbox WHERE event_id = ANY($1::uuid[])`,
        [[envelope.eventId, again.eventId]],
      );
      return rows[0]?.n === 2 ? true : undefined;
    });
    const stored = await app.dataSource.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM decisions WHERE application_id = $1`,
      [applicationId],
    );
    expect(stored[0]?.n).toBe(1);
    expect(await decidedRows(applicationId)).toHaveLength(1);
  });

  describe('POST /v1/score (what-if)', () => {
    const body = (overrides: Record<string, unknown> = {}) => ({
      kind: 'draw',
      applicant: {
        age: 40,
        monthlyIncome: cny('10000.00'),
        monthlyDebtPayments: cny('500.00'),
        profile: { ...strongProfile, checkingStatus: '<0', creditHistory: 'delayed previously' },
      },
      draw: { product: 'cash-loan', amount: cny('3000.00'), periods: 6 },
      ...overrides,
    });

    it('checking-below-zero-and-delayed-history: those are the top reasons', async () => {
      const response = await app.request('POST', '/v1/score', { role: 'customer', body: body() });
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({
        modelVersion: 'scorecard-v1',
        decision: 'approved',
        reasons: [
          { code: 'CHECKING_STATUS', text: 'Status of the existing checking account' },
          { code: 'CREDIT_HISTORY', text: 'Past repayment behaviour on credits' },
        ],
        rulesFired: [],
      });
      expect(typeof response.body.score).toBe('number');
      expect(response.body.pd).toMatch(/^0\.\d{4}$/);
    });

    it('bad-input: 400 listing every bad field, nothing stored', async () => {
      const decisionsBefore = await count('decisions');
      const outboxBefore = await count('outbox');
      const response = await app.request('POST', '/v1/score', {
        role: 'customer',
        body: {
          kind: 'credit-line',
          applicant: {
            age: 'forty',
            monthlyIncome: { amount: '10000.001', currency: 'CNY' },
            monthlyDebtPayments: { amount: '-1.00', currency: 'CNY' },
            profile: { ...strongProfile, checkingStatus: 'overdrawn' },
          },
          creditLine: { requestedLimit: { amount: 20000, currency: 'CNY' } },
          extra: true,
        },
      });
      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe('VALIDATION.FAILED');
      const fields = response.body.error.fields.map((f: { field: string }) => f.field).sort();
      expect(fields).toEqual([
        'applicant.age',
        'applicant.monthlyDebtPayments.amount',
        'applicant.monthlyIncome.amount',
        'applicant.profile.checkingStatus',
        'creditLine.requestedLimit.amount',
        'extra',
      ]);
      for (const field of response.body.error.fields)
        expect(field.problems.length).toBeGreaterThan(0);
      expect(await count('decisions')).toBe(decisionsBefore);
      expect(await count('outbox')).toBe(outboxBefore);
    });

    it('needs a customer key and answers 404 for an unknown decision', async () => {
      const anonymous = await fetch(`${app.baseUrl}/v1/score`, { method: 'POST' });
      expect(anonymous.status).toBe(401);
      const forbidden = await app.request('GET', '/v1/decisions/A-nope', { role: 'customer' });
      expect(forbidden.status).toBe(403);
      const missing = await app.request('GET', '/v1/decisions/A-nope');
      expect(missing.status).toBe(404);
      expect(missing.body.error.code).toBe('SCORING.DECISION_NOT_FOUND');
    });
  });
});
