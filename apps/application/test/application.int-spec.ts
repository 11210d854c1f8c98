import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import { type Consumer, type KafkaMessage } from 'kafkajs';
import {
  ApplicationDecidedV1,
  type ApplicationDecidedV1Payload,
  ApplicationSubmittedV1,
  EventHeaders,
  Topics,
  dlqTopicOf,
} from '@credit/contracts';
import { OutboxWriter, recordOf } from '@credit/messaging';
import { customerIdOf } from '@credit/kernel';
import {
  type TestApp,
  TestApiKeys,
  TestCustomerTokens,
  recreateServiceDatabase,
  testBearerOf,
} from '@credit/platform';
import {
  borderlineApplicant,
  borderlineProfile,
  freePort,
  purchasePricing,
  replayed,
  testConsent,
  testKafka,
  uniquePerson,
  waitFor,
} from '@credit/testing';
import { personalDataContext } from '../src/applications/applications.service';
import {
  applicantCustomerOf,
  customerOfNationalId,
  startApplication,
  submitAsApplicant,
} from './harness';
import { EnvelopeCipher } from '../src/personal-data/envelope-cipher';
import { PiiCipher, parsePiiKeys } from '../src/personal-data/pii-cipher';

const brokers = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';
const kafka = testKafka('application-test');
const scoring = new OutboxWriter('test-scoring');
const repoRoot = path.resolve(__dirname, '..', '..', '..');

// Test keys: an old key still configured for decryption, and the active one.
const piiEnv = {
  APPLICATION_PII_KEYS: `old:${randomBytes(32).toString('base64')},k1:${randomBytes(32).toString('base64')}`,
  APPLICATION_PII_ACTIVE_KEY_ID: 'k1',
  APPLICATION_CUSTOMER_ID_PEPPER: 'test-pepper-0123456789abcdef',
};
const sealing = new EnvelopeCipher(new PiiCipher(parsePiiKeys(piiEnv.APPLICATION_PII_KEYS), 'k1'));

/** A person with values unique to this run, so a scan for them cannot hit anything else. */
const person = () => uniquePerson('Zhang', '+86139');
type Person = ReturnType<typeof person>;

const applicantOf = (p: Person) => borderlineApplicant(p);
const creditLineBody = (p: Person, limit = '20000.00') => ({
  kind: 'credit-line',
  applicant: applicantOf(p),
  consent: testConsent(),
  creditLine: { requestedLimit: { amount: limit, currency: 'CNY' } },
});
const purchaseBody = (p: Person, lineId: string, amount = '3000.00') => ({
  kind: 'draw',
  applicant: applicantOf(p),
  consent: testConsent(),
  draw: {
    lineId,
    product: 'installment-purchase',
    amount: { amount, currency: 'CNY' },
    periods: 6,
    merchantId: 'M-1001',
    feePayer: 'buyer',
  },
});

function decided(
  application: { applicationId: string; customerId: string; kind: 'credit-line' | 'draw' },
  overrides: Partial<ApplicationDecidedV1Payload> = {},
) {
  return scoring.build({
    definition: ApplicationDecidedV1,
    key: application.applicationId,
    payload: {
      ...application,
      decision: 'approved',
      modelVersion: 'scorecard-v1',
      score: 642,
      pd: '0.0451',
      reasons: [{ code: 'CHECKING_STATUS', text: 'Status of the existing checking account' }],
      rulesFired: [],
      creditLine: null,
      draw: null,
      decidedAt: new Date().toISOString(),
      ...overrides,
    } satisfies ApplicationDecidedV1Payload,
  });
}

async function publish(...envelopes: ReturnType<typeof decided>[]): Promise<void> {
  const producer = kafka.producer();
  await producer.connect();
  try {
    await producer.send({
      topic: Topics.applicationEvents,
      acks: -1,
      messages: envelopes.map(recordOf),
    });
  } finally {
    await producer.disconnect();
  }
}

/** Reads a topic from its beginning into memory until stopped. */
async function readTopic(topic: string): Promise<{ messages: KafkaMessage[]; consumer: Consumer }> {
  const consumer = kafka.consumer({ groupId: `application-test-reader-${randomUUID()}` });
  const messages: KafkaMessage[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      messages.push(message);
      return Promise.resolve();
    },
  });
  return { messages, consumer };
}

const recordText = (m: KafkaMessage) =>
  [
    m.key?.toString('utf8') ?? '',
    m.value?.toString('utf8') ?? '',
    ...Object.values(m.headers ?? {}).map((h) => String(h)),
  ].join('\n');

function expectFreeOf(text: string, p: Person): void {
  expect(text).not.toContain(p.name);
  expect(text).not.toContain(p.nationalId);
  expect(text).not.toContain(p.phone);
  // Without the "+" too: a phone number may be normalised on its way.
  expect(text).not.toContain(p.phone.slice(1));
}

describe('application service on real PostgreSQL and Kafka', () => {
  let app: TestApp;
  const count = async (table: string) =>
    (await app.dataSource.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM ${table}`))[0]?.n;
  /** As the applicant's own customer. */
  const submit = (key: string, body: unknown) => submitAsApplicant(app, key, body);
  /** As an operator (who sees every customer's); customers' views are tested on their own. */
  const get = (path: string) => app.request('GET', path);

  beforeAll(async () => {
    app = await startApplication('credit_test_application', piiEnv);
  });
  afterAll(() => app.close());

  const applicant = person();
  let line: { applicationId: string; customerId: string; kind: 'credit-line' };

  it('stores a credit-line application with the personal data encrypted and emits it without it', async () => {
    const response = await submit('line-1', creditLineBody(applicant));
    expect(response.status).toBe(201);
    expect(response.headers.get('idempotent-replayed')).toBe('false');
    const customerId = customerIdOf(applicant.nationalId, piiEnv.APPLICATION_CUSTOMER_ID_PEPPER);
    expect(response.body).toMatchObject({
      kind: 'credit-line',
      status: 'submitted',
      customerId,
      decision: null,
      request: { creditLine: { requestedLimit: { amount: '20000.00', currency: 'CNY' } } },
    });
    expectFreeOf(JSON.stringify(response.body), applicant);
    line = { applicationId: response.body.applicationId, customerId, kind: 'credit-line' };

    const [outbox] = await app.dataSource.query<{ event_type: string; text: string }[]>(
      `SELECT event_type, envelope::text AS text FROM outbox
        WHERE message_key = $1 AND event_type = 'application.submitted'`,
      [line.applicationId],
    );
    expect(outbox?.event_type).toBe('application.submitted');
    expectFreeOf(outbox!.text, applicant);
    const envelope = JSON.parse(outbox!.text);
    expect(ApplicationSubmittedV1.schema.safeParse(envelope.payload).success).toBe(true);
    expect(envelope.payload).toMatchObject({
      applicationId: line.applicationId,
      customerId,
      applicant: { age: 34, monthlyIncome: { amount: '12000.00', currency: 'CNY' } },
      creditLine: { requestedLimit: { amount: '20000.00', currency: 'CNY' } },
      draw: null,
    });

    const [stored] = await app.dataSource.query<Record<string, string>[]>(
      `SELECT name_encrypted, national_id_encrypted, phone_encrypted, row_to_json(a)::text AS whole
         FROM applications a WHERE id = $1`,
      [line.applicationId],
    );
    expectFreeOf(stored!.whole!, applicant);
    const columns = [
      ['name', stored!.name_encrypted!, applicant.name],
      ['nationalId', stored!.national_id_encrypted!, applicant.nationalId],
      ['phone', stored!.phone_encrypted!, applicant.phone],
    ] as const;
    // Sealed with the application's own data key, stored wrapped by the active master key.
    const [dataKey] = await app.dataSource.query<{ kek_id: string; wrapped_key: string }[]>(
      `SELECT kek_id, wrapped_key FROM application_data_keys WHERE application_id = $1`,
      [line.applicationId],
    );
    expect(dataKey).toMatchObject({ kek_id: 'k1', wrapped_key: expect.stringMatching(/^v1:k1:/) });
    const key = sealing.unwrap(dataKey!.wrapped_key, line.applicationId);
    for (const [field, ciphertext, plain] of columns) {
      expect(ciphertext).toMatch(/^v2:/);
      const context = personalDataContext(line.applicationId, field);
      expect(sealing.open(ciphertext, context, key)).toBe(plain);
      expect(() => sealing.open(ciphertext, context, undefined)).toThrow(/data key/);
    }
  });

  it('answers bad input with 400 listing every bad field and stores nothing', async () => {
    const [applications, outbox] = [await count('applications'), await count('outbox')];
    const bad = {
      kind: 'credit-line',
      applicant: {
        ...applicantOf(person()),
        phone: 'not a phone',
        age: undefined,
        monthlyIncome: { amount: 12000, currency: 'CNY' },
        monthlyDebtPayments: { amount: '10.005', currency: 'CNY' },
        profile: { ...borderlineProfile, checkingStatus: 'plenty', installmentRatePercent: 9 },
      },
      creditLine: { requestedLimit: { amount: '0.00', currency: 'XXX' } },
      consent: testConsent(),
    };
    const response = await submit('bad-1', bad);
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('VALIDATION.FAILED');
    const fields = response.body.error.fields.map((f: { field: string }) => f.field).sort();
    expect(fields).toEqual(
      [
        'applicant.phone',
        'applicant.age',
        'applicant.monthlyIncome.amount',
        'applicant.monthlyDebtPayments.amount',
        'applicant.profile.checkingStatus',
        'applicant.profile.installmentRatePercent',
        'creditLine.requestedLimit.currency',
      ].sort(),
    );
    expect(JSON.stringify(response.body)).not.toContain('not a phone');
    const missingKey = await app.request('POST', '/v1/applications', {
      role: 'customer',
      body: creditLineBody(person()),
    });
    expect(missingKey.status).toBe(400);
    expect(JSON.stringify(missingKey.body)).toContain('Idempotency-Key');
    expect([await count('applications'), await count('outbox')]).toEqual([applications, outbox]);
  });

  it('replays the same key and content as the same application, and refuses other content', async () => {
    const before = await count('applications');
    const again = await submit('line-1', creditLineBody(applicant));
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body.applicationId).toBe(line.applicationId);
    const other = await submit('line-1', creditLineBody(applicant, '30000.00'));
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe('APPLICATION.IDEMPOTENCY_CONFLICT');
    expect(await count('applications')).toBe(before);
  });

  it('takes an approval from application.decided: the application shows the limit and the line exists', async () => {
    const lineId = `LINE-${randomUUID().slice(0, 8)}`;
    const approval = decided(line, {
      creditLine: { lineId, limit: { amount: '15000.00', currency: 'CNY' }, priceTier: 'T2' },
    });
    await publish(approval, approval); // delivered twice: applied once
    const view = await waitFor('the approval', async () => {
      const r = await get(`/v1/applications/${line.applicationId}`);
      return r.body.status === 'approved' ? r.body : undefined;
    });
    expect(view).toMatchObject({
      status: 'approved',
      decision: 'approved',
      lineId,
      limit: { amount: '15000.00', currency: 'CNY' },
      price: { priceTier: 'T2' },
      reasonCodes: ['CHECKING_STATUS'],
      modelVersion: 'scorecard-v1',
      score: 642,
    });
    const lineView = await get(`/v1/lines/${lineId}`);
    expect(lineView.status).toBe(200);
    expect(lineView.body).toMatchObject({
      lineId,
      customerId: line.customerId,
      status: 'active',
      limit: { amount: '15000.00', currency: 'CNY' },
      priceTier: 'T2',
    });
    expect(await count('credit_lines')).toBe(1);
    expect((await get('/v1/lines/LINE-nope')).status).toBe(404);

    // A draw on the approved line, by the same person (the ID written another way).
    const draw = await submit(
      'draw-1',
      purchaseBody({ ...applicant, nationalId: applicant.nationalId.toLowerCase() }, lineId),
    );
    expect(draw.status).toBe(201);
    expect(draw.body).toMatchObject({
      kind: 'draw',
      status: 'submitted',
      lineId,
      customerId: line.customerId,
    });
    const [drawEvent] = await app.dataSource.query<{ text: string }[]>(
      `SELECT envelope::text AS text FROM outbox
        WHERE message_key = $1 AND event_type = 'application.submitted'`,
      [draw.body.applicationId],
    );
    expectFreeOf(drawEvent!.text, applicant);
    const submittedDraw = {
      lineId,
      product: 'installment-purchase',
      amount: { amount: '3000.00', currency: 'CNY' },
      periods: 6,
      merchantId: 'M-1001',
      feePayer: 'buyer',
    } as const;
    expect(JSON.parse(drawEvent!.text).payload.draw).toEqual(submittedDraw);

    // Its approval carries the price; the view shows it.
    const drawApproval = decided(
      { applicationId: draw.body.applicationId, customerId: line.customerId, kind: 'draw' },
      {
        draw: {
          ...submittedDraw,
          merchantFee: null,
          pricing: { ...purchasePricing(6), feeRate: '0.045', feePayer: 'buyer' },
        },
      },
    );
    await publish(drawApproval);
    const drawView = await waitFor('the draw approval', async () => {
      const r = await get(`/v1/applications/${draw.body.applicationId}`);
      return r.body.status === 'approved' ? r.body : undefined;
    });
    expect(drawView.price).toMatchObject({
      pricing: { method: 'flat-fee', feeRate: '0.045' },
      merchantFee: null,
    });
    expect(drawView.limit).toBeNull();

    // Cash-loan draws: the repayment method chosen (daily-interest when none is named) is stored,
    // shown and sent on application.submitted.
    for (const [key, method, stored] of [
      ['draw-cash-ei', 'equal-installment', 'equal-installment'],
      ['draw-cash-default', undefined, 'daily-interest'],
    ] as const) {
      const cash = await submit(key, {
        kind: 'draw',
        applicant: applicantOf(applicant),
        consent: testConsent(),
        draw: {
          lineId,
          product: 'cash-loan',
          amount: { amount: '2000.00', currency: 'CNY' },
          periods: 6,
          ...(method && { repaymentMethod: method }),
        },
      });
      expect(cash.status).toBe(201);
      const id = cash.body.applicationId as string;
      expect((await get(`/v1/applications/${id}`)).body.request.draw).toMatchObject({
        product: 'cash-loan',
        repaymentMethod: stored,
      });
      const [row] = await app.dataSource.query<{ method: string }[]>(
        `SELECT draw_repayment_method AS method FROM applications WHERE id = $1`,
        [id],
      );
      expect(row?.method).toBe(stored);
      const [event] = await app.dataSource.query<{ text: string }[]>(
        `SELECT envelope::text AS text FROM outbox WHERE message_key = $1`,
        [id],
      );
      expect(JSON.parse(event!.text).payload.draw).toMatchObject({
        product: 'cash-loan',
        repaymentMethod: stored,
      });
    }
  });

  it('refuses a draw on an unknown line, on another customer’s line, and above the limit (422)', async () => {
    const before = await count('applications');
    const lineId = (await get(`/v1/applications/${line.applicationId}`)).body.lineId as string;
    const cases: [string, unknown, string][] = [
      ['draw-x1', purchaseBody(applicant, 'LINE-unknown'), 'APPLICATION.LINE_NOT_AVAILABLE'],
      ['draw-x2', purchaseBody(person(), lineId), 'APPLICATION.LINE_NOT_AVAILABLE'],
      ['draw-x3', purchaseBody(applicant, lineId, '15000.01'), 'APPLICATION.DRAW_EXCEEDS_LIMIT'],
    ];
    for (const [key, body, code] of cases) {
      const response = await submit(key, body);
      expect({ key, status: response.status, code: response.body.error?.code }).toEqual({
        key,
        status: 422,
        code,
      });
    }
    expect(await count('applications')).toBe(before);
  });

  it('dead-letters, without retrying, a decision for an unknown application and one overturning a final decision', async () => {
    const unknown = decided(
      { applicationId: randomUUID(), customerId: 'C-nobody', kind: 'credit-line' },
      { decision: 'declined' },
    );
    const overturn = decided(line, { decision: 'declined' });
    const dlq = await readTopic(dlqTopicOf(Topics.applicationEvents));
    try {
      await publish(unknown, overturn);
      const letterOf = (eventId: string) =>
        waitFor(`the dead letter of ${eventId}`, () =>
          Promise.resolve(
            dlq.messages.find((m) => m.headers?.[EventHeaders.eventId]?.toString() === eventId),
          ),
        );
      const [first, second] = [await letterOf(unknown.eventId), await letterOf(overturn.eventId)];
      expect(first.headers?.[EventHeaders.dlqError]?.toString()).toContain('unknown application');
      expect(first.headers?.[EventHeaders.dlqAttempts]?.toString()).toBe('1');
      expect(second.headers?.[EventHeaders.dlqError]?.toString()).toContain('already approved');
      expect(second.headers?.[EventHeaders.dlqAttempts]?.toString()).toBe('1');
    } finally {
      await dlq.consumer.disconnect();
    }
    // The approval stands.
    expect((await get(`/v1/applications/${line.applicationId}`)).body.status).toBe('approved');
  });

  it("shows a referral as referred until the operator's decision, which then applies like any other", async () => {
    const referredApplicant = person();
    const response = await submit('line-referred', creditLineBody(referredApplicant));
    expect(response.status).toBe(201);
    const application = {
      applicationId: response.body.applicationId as string,
      customerId: customerIdOf(referredApplicant.nationalId, piiEnv.APPLICATION_CUSTOMER_ID_PEPPER),
      kind: 'credit-line' as const,
    };
    const referral = decided(application, { decision: 'referred', score: 501 });
    await publish(referral);
    await waitFor('the referral', async () => {
      const r = await get(`/v1/applications/${application.applicationId}`);
      return r.body.status === 'referred' ? r.body : undefined;
    });
    // What scoring publishes when an operator approves the referral at tier C.
    const lineId = `LINE-${randomUUID().slice(0, 8)}`;
    const approval = decided(application, {
      score: 501,
      creditLine: { lineId, limit: { amount: '12000.00', currency: 'CNY' }, priceTier: 'C' },
    });
    await publish(approval);
    const view = await waitFor('the approved referral', async () => {
      const r = await get(`/v1/applications/${application.applicationId}`);
      return r.body.status === 'approved' ? r.body : undefined;
    });
    expect(view).toMatchObject({
      decision: 'approved',
      lineId,
      limit: { amount: '12000.00', currency: 'CNY' },
      price: { priceTier: 'C' },
    });
    expect((await get(`/v1/lines/${lineId}`)).body).toMatchObject({
      lineId,
      customerId: application.customerId,
      status: 'active',
    });
  });

  it("shows a customer only their own application and line; another customer's answer as missing ones", async () => {
    const owner = { customer: line.customerId };
    const stranger = { customer: customerOfNationalId(person().nationalId) };
    const lineId = (await get(`/v1/applications/${line.applicationId}`)).body.lineId as string;
    const own = await app.request('GET', `/v1/applications/${line.applicationId}`, owner);
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({ applicationId: line.applicationId, lineId });
    const ownLine = await app.request('GET', `/v1/lines/${lineId}`, owner);
    expect(ownLine.status).toBe(200);
    expect(ownLine.body.customerId).toBe(line.customerId);

    // Another customer's answers exactly as an id that does not exist (but for the id itself).
    const sameAs = async (path: string, id: string, missingPath: string, missingId: string) => {
      const theirs = await app.request('GET', path, stranger);
      const missing = await app.request('GET', missingPath, stranger);
      expect([theirs.status, missing.status]).toEqual([404, 404]);
      expect(JSON.stringify(theirs.body).replaceAll(id, '<id>')).toBe(
        JSON.stringify(missing.body).replaceAll(missingId, '<id>'),
      );
    };
    const nobody = randomUUID();
    await sameAs(
      `/v1/applications/${line.applicationId}`,
      line.applicationId,
      `/v1/applications/${nobody}`,
      nobody,
    );
    await sameAs(`/v1/lines/${lineId}`, lineId, '/v1/lines/LINE-nope', 'LINE-nope');
    // Operators and admins see every customer's.
    expect((await get(`/v1/lines/${lineId}`)).status).toBe(200);
    expect(
      (await app.request('GET', `/v1/applications/${line.applicationId}`, { role: 'admin' }))
        .status,
    ).toBe(200);
  });

  it("refuses a customer applying with another person's national ID (403 naming the field), and never replays another customer's answer", async () => {
    const counts = async () => [
      await count('applications'),
      await count('outbox'),
      await count('application_data_keys'),
    ];
    const before = await counts();
    const stranger = person();
    const asStranger = (key: string, body: unknown) =>
      app.request('POST', '/v1/applications', {
        customer: customerOfNationalId(stranger.nationalId),
        idempotencyKey: key,
        body,
      });
    for (const key of [`someone-else-${randomUUID()}`, 'line-1']) {
      // With the applicant's national ID: refused, under a new key and under the applicant's own.
      const refused = await asStranger(key, creditLineBody(applicant));
      expect(refused.status).toBe(403);
      expect(refused.body.error).toMatchObject({
        code: 'APPLICATION.APPLICANT_NOT_CALLER',
        field: 'applicant.nationalId',
      });
      expect(JSON.stringify(refused.body)).not.toContain(line.applicationId);
    }
    // Their own application under the applicant's key: a conflict, not the applicant's answer.
    const conflict = await asStranger('line-1', creditLineBody(stranger));
    expect(conflict.status).toBe(409);
    expect(JSON.stringify(conflict.body)).not.toContain(line.applicationId);
    expect(await counts()).toEqual(before);
  });

  it('answers unknown ids with 404 and malformed ones with 400', async () => {
    expect((await get(`/v1/applications/${randomUUID()}`)).status).toBe(404);
    expect((await get('/v1/applications/not-a-uuid')).status).toBe(400);
    expect((await app.request('GET', `/v1/applications/${line.applicationId}`, {})).status).toBe(
      200,
    );
  });
});

describe('personal data never appears in logs or Kafka messages (the real service, LOG_LEVEL=debug)', () => {
  let child: ChildProcess;
  let output = '';
  let baseUrl = '';
  let exited: Promise<number | null>;

  beforeAll(async () => {
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    const database = await recreateServiceDatabase(
      'application',
      'credit_test_application_process',
    );
    child = spawn(
      process.execPath,
      ['-r', './tools/runtime/register.js', 'apps/application/src/main.ts'],
      {
        cwd: repoRoot,
        env: {
          PATH: process.env.PATH ?? '',
          HTTP_PORT: String(port),
          DATABASE_URL: database.url,
          MIGRATIONS_DATABASE_URL: database.migrationsUrl,
          KAFKA_BROKERS: brokers,
          KAFKA_CONSUMER_GROUP: `application-test-process-${Date.now()}`,
          KAFKA_CONSUMER_START: 'latest',
          KAFKA_SESSION_TIMEOUT_MS: '6000',
          OUTBOX_POLL_INTERVAL_MS: '20',
          CUSTOMER_TOKEN_PUBLIC_KEYS: TestCustomerTokens.publicKeys,
          OPERATOR_API_KEY: TestApiKeys.operator,
          ADMIN_API_KEY: TestApiKeys.admin,
          LOG_LEVEL: 'debug',
          ...piiEnv,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
    await waitFor(
      'the service to be ready',
      async () => {
        try {
          return (await fetch(`${baseUrl}/health`)).status === 200 ? true : undefined;
        } catch {
          return undefined;
        }
      },
      60_000,
    );
  });
  afterAll(async () => {
    child.kill('SIGTERM');
    await exited;
  });

  /** As a customer: the applicant of `body`, or `customer`. */
  const call = async (
    method: string,
    path: string,
    key?: string,
    body?: unknown,
    customer = applicantCustomerOf(body),
  ) => {
    const headers: Record<string, string> = {
      authorization: testBearerOf({ role: 'customer', customer }),
    };
    if (key) headers['idempotency-key'] = key;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as any };
  };

  it('logs at debug level and publishes application.submitted without name, national ID or phone', async () => {
    const p = person();
    const other = person();
    const submitted = await readTopic(Topics.applicationEvents);
    try {
      const lineApp = await call(
        'POST',
        '/v1/applications',
        `p-line-${randomUUID()}`,
        creditLineBody(p),
      );
      expect(lineApp.status).toBe(201);
      // Every way a request can end: replay, conflict, invalid, rejected, decided.
      const key = `p-line2-${randomUUID()}`;
      expect((await call('POST', '/v1/applications', key, creditLineBody(other))).status).toBe(201);
      expect((await call('POST', '/v1/applications', key, creditLineBody(other))).status).toBe(200);
      expect(
        (await call('POST', '/v1/applications', key, creditLineBody(other, '1.00'))).status,
      ).toBe(409);
      const invalid = {
        ...creditLineBody(p),
        applicant: { ...applicantOf(p), age: 12, unknownField: p.nationalId },
      };
      expect(
        (await call('POST', '/v1/applications', `p-bad-${randomUUID()}`, invalid)).status,
      ).toBe(400);
      expect(
        (
          await call(
            'POST',
            '/v1/applications',
            `p-x-${randomUUID()}`,
            purchaseBody(p, 'LINE-none'),
          )
        ).status,
      ).toBe(422);
      const lineId = `LINE-${randomUUID().slice(0, 8)}`;
      await publish(
        decided(
          {
            applicationId: lineApp.body.applicationId,
            customerId: lineApp.body.customerId,
            kind: 'credit-line',
          },
          {
            creditLine: { lineId, limit: { amount: '8000.00', currency: 'CNY' }, priceTier: 'T3' },
          },
        ),
      );
      await waitFor('the approval', async () =>
        (
          await call(
            'GET',
            `/v1/applications/${lineApp.body.applicationId}`,
            undefined,
            undefined,
            lineApp.body.customerId as string,
          )
        ).body.status === 'approved'
          ? true
          : undefined,
      );
      const draw = await call(
        'POST',
        '/v1/applications',
        `p-draw-${randomUUID()}`,
        purchaseBody(p, lineId),
      );
      expect(draw.status).toBe(201);

      const ours = [lineApp.body.applicationId, draw.body.applicationId] as string[];
      await waitFor('our application.submitted records', () =>
        Promise.resolve(
          ours.every((id) => submitted.messages.some((m) => m.key?.toString() === id))
            ? true
            : undefined,
        ),
      );
      const topicText = submitted.messages.map(recordText).join('\n');
      expect(topicText).toContain(lineApp.body.customerId);
      expectFreeOf(topicText, p);
      expectFreeOf(topicText, other);
    } finally {
      await submitted.consumer.disconnect();
    }
    // The capture works (debug lines are there) and holds none of the personal data.
    expect(output).toContain('"level":20');
    expect(output).toContain('listening');
    expectFreeOf(output, p);
    expectFreeOf(output, other);
  });
});

describe('rebuilding the application service from the log', () => {
  const database = 'credit_test_application_rebuild';
  const start = () => startApplication(database, piiEnv);
  /** Every stored application and line, and the views: what a rebuild must restore. */
  const snapshot = async (app: TestApp, ids: string[]) => ({
    applications: await app.dataSource.query<unknown[]>(`SELECT * FROM applications ORDER BY id`),
    lines: await app.dataSource.query<unknown[]>(`SELECT * FROM credit_lines ORDER BY id`),
    views: await Promise.all(
      ids.map(async (id) => (await app.request('GET', `/v1/applications/${id}`)).body as unknown),
    ),
  });

  it('with its database emptied, replaying its changelog and application.events restores the same applications, decisions and lines', async () => {
    // The test broker's topics hold other tests' events too (the previous test's end a moment
    // ago): replay from this test's first one. Records carry their producer's clock, this one's.
    const since = new Date().toISOString();
    const before = await start();
    const p = person();
    const lineId = `LINE-${randomUUID().slice(0, 8)}`;
    let ids: string[];
    let original: Awaited<ReturnType<typeof snapshot>>;
    try {
      const submit = (key: string, body: unknown) => submitAsApplicant(before, key, body);
      const lineApp = await submit(`rb-line-${randomUUID()}`, creditLineBody(p));
      expect(lineApp.status).toBe(201);
      const line = {
        applicationId: lineApp.body.applicationId as string,
        customerId: lineApp.body.customerId as string,
        kind: 'credit-line' as const,
      };
      await publish(
        decided(line, {
          creditLine: { lineId, limit: { amount: '15000.00', currency: 'CNY' }, priceTier: 'T2' },
        }),
      );
      await waitFor('the line', async () =>
        (await before.request('GET', `/v1/lines/${lineId}`)).status === 200 ? true : undefined,
      );
      const draw = await submit(`rb-draw-${randomUUID()}`, purchaseBody(p, lineId));
      expect(draw.status).toBe(201);
      const declined = await submit(`rb-other-${randomUUID()}`, creditLineBody(person()));
      expect(declined.status).toBe(201);
      await publish(
        decided(
          {
            applicationId: declined.body.applicationId,
            customerId: declined.body.customerId,
            kind: 'credit-line',
          },
          { decision: 'declined' },
        ),
      );
      ids = [line.applicationId, draw.body.applicationId, declined.body.applicationId];
      await waitFor('the decisions and the outbox drained', async () => {
        const [row] = await before.dataSource.query<{ decided: number; pending: number }[]>(
          `SELECT (SELECT count(*)::int FROM applications WHERE status <> 'submitted') AS decided,
                  (SELECT count(*)::int FROM outbox WHERE published_at IS NULL) AS pending`,
        );
        return row?.decided === 2 && row.pending === 0 ? true : undefined;
      });
      original = await snapshot(before, ids);
      expect(original.applications).toHaveLength(3);
      expect(original.lines).toHaveLength(1);
    } finally {
      await before.close();
    }

    // Same database name: startTestApp drops and recreates it empty, with a new consumer group.
    const after = await start();
    try {
      expect((await after.request('GET', `/v1/applications/${ids[0]}`)).status).toBe(404);
      const report = await replayed(after, `rebuild-${ids[0]}`, since);
      expect(report).toMatchObject({ status: 'succeeded' });
      expect(report.result.counts.failed).toBe(0);
      expect(await snapshot(after, ids)).toEqual(original);
      // A second replay finds everything applied and changes nothing.
      const again = await replayed(after, `rebuild-again-${ids[0]}`, since);
      expect(again.result.counts).toMatchObject({ applied: 0, failed: 0 });
      expect(await snapshot(after, ids)).toEqual(original);
    } finally {
      await after.close();
    }
  });
});
