import { randomUUID } from 'node:crypto';
import { type Producer } from 'kafkajs';
import {
  ApplicationSubmittedV1,
  type ApplicationSubmittedV1Payload,
  DisbursementFailedV1,
  type EventEnvelope,
  LoanCreatedV1,
  LoanDisbursedV1,
  RepaymentAllocatedV1,
} from '@credit/contracts';
import { OutboxWriter, recordOf } from '@credit/messaging';
import { Money } from '@credit/money';
import { type TestApp, startTestApp } from '@credit/platform';
import {
  allocationOf,
  applicationSubmitted,
  cashLoanDisbursed,
  cashLoanPricing,
  cny,
  loanTerms,
  strongProfile,
  testKafka,
  type SubmittedApplication,
  waitFor,
} from '@credit/testing';
import { ScoringModule } from '../src/app.module';
import { lineIdFor } from '../src/decide-application/decide-application.service';
import {
  LineExposureHandlerName,
  LineExposureService,
  lineEventOf,
} from '../src/line-exposure/line-exposure.handlers';
import { scoringEnvSchema } from '../src/config/env';

const writer = new OutboxWriter('test');
const kafka = testKafka('scoring-test');

function submitted(options: SubmittedApplication): EventEnvelope<ApplicationSubmittedV1Payload> {
  const payload = applicationSubmitted(options);
  return writer.build({ definition: ApplicationSubmittedV1, key: payload.applicationId, payload });
}

type Draw = { applicationId: string; customerId: string; lineId: string };

/** The loan an approved draw becomes, as the disbursement service's events name it. */
const loanOfDraw = (draw: Draw) => ({
  loanId: `L-${draw.applicationId}`,
  applicationId: draw.applicationId,
  customerId: draw.customerId,
  lineId: draw.lineId,
});

/** loan.created for an approved draw, as the disbursement service publishes it first. */
function loanCreated(draw: Draw, amount: string) {
  const loan = loanOfDraw(draw);
  return writer.build({
    definition: LoanCreatedV1,
    key: loan.loanId,
    payload: {
      ...loan,
      product: 'cash-loan',
      principal: cny(amount),
      merchantId: null,
      merchantFee: null,
      pricing: cashLoanPricing(6, '0.0003'),
      createdAt: new Date().toISOString(),
    },
  });
}

/** loan.disbursed for an approved draw, as the disbursement service publishes it. */
function disbursed(draw: Draw, amount: string) {
  const loanId = `L-${draw.applicationId}`;
  const today = new Date().toISOString().slice(0, 10);
  const terms = loanTerms(cashLoanPricing(6, '0.0003'), today);
  return writer.build({
    definition: LoanDisbursedV1,
    key: loanId,
    payload: {
      ...cashLoanDisbursed({ loanId, customerId: draw.customerId, principal: amount, terms }),
      lineId: draw.lineId,
    },
  });
}

/** disbursement.failed for an approved draw whose payout finally failed. */
function payoutFailed(draw: Draw, amount: string) {
  const loan = loanOfDraw(draw);
  return writer.build({
    definition: DisbursementFailedV1,
    key: loan.loanId,
    payload: {
      ...loan,
      principal: cny(amount),
      reason: 'rejected by the bank',
      failedAt: new Date().toISOString(),
    },
  });
}

/** repayment.allocated on a draw's loan: `principal` of the payment, the rest to interest. */
function repaid(draw: Draw, principal: string, interest: string) {
  const loanId = `L-${draw.applicationId}`;
  const amount = Money.of(principal, 'CNY').add(Money.of(interest, 'CNY'));
  return writer.build({
    definition: RepaymentAllocatedV1,
    key: loanId,
    payload: {
      repaymentId: randomUUID(),
      loanId,
      customerId: draw.customerId,
      lineId: draw.lineId,
      amount: amount.toJSON(),
      allocation: allocationOf({ interest, principal }),
      receivedAt: new Date().toISOString(),
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
  /** Publishes events of the loan stream and waits until the line-exposure handler applied them. */
  const publishLoanEvents = async (...envelopes: EventEnvelope[]) => {
    await producer.send({ topic: LoanDisbursedV1.topic, messages: envelopes.map(recordOf) });
    await waitFor('the loan events applied to the line', async () => {
      const rows = await app.dataSource.query<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM inbox WHERE handler = $1 AND event_id = ANY($2::uuid[])`,
        [LineExposureHandlerName, envelopes.map((e) => e.eventId)],
      );
      return rows[0]?.n === new Set(envelopes.map((e) => e.eventId)).size ? true : undefined;
    });
  };
  const exposureOf = async (lineId: string) => {
    const [row] = await app.dataSource.query<
      { limit: string; principalOutstanding: string; drawsInFlight: string }[]
    >(
      `SELECT line.credit_limit::text AS "limit",
              line.principal_outstanding::text AS "principalOutstanding",
              (SELECT coalesce(sum(amount), 0)::text FROM line_draws AS draw
                WHERE draw.line_id = line.line_id AND draw.state = 'in-flight') AS "drawsInFlight"
         FROM line_exposure AS line WHERE line.line_id = $1`,
      [lineId],
    );
    if (!row) return undefined;
    const cnyText = (amount: string) => Money.of(amount, 'CNY').toString();
    return {
      limit: cnyText(row.limit),
      principalOutstanding: cnyText(row.principalOutstanding),
      drawsInFlight: cnyText(row.drawsInFlight),
    };
  };
  const decisionOf = (applicationId: string) =>
    waitFor(`the decision on ${applicationId}`, async () => {
      const response = await app.request('GET', `/v1/decisions/${applicationId}`);
      return response.status === 200 ? response.body : undefined;
    });
  /** Publishes one application and waits for its decision. */
  const apply = async (options: SubmittedApplication) => {
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
          "draw 6000.00 exceeds the line's available limit 5000.00 (limit 20000.00 − principal outstanding 0.00 − draws in flight 15000.00)",
      },
    ]);
    expect(over.published.reasons[0].code).toBe('EXPOSURE_CAP');
    const other = await apply({
      customerId: `C-${randomUUID()}`,
      draw: { lineId: line.lineId, amount: '100.00', periods: 3 },
    });
    expect(other.rulesFired.map((r: { code: string }) => r.code)).toEqual(['UNKNOWN_LINE']);
  });

  describe('the line revolves', () => {
    /** A customer with an approved line of `limit`. */
    const lineOf = async (limit: string) => {
      const customerId = `C-${randomUUID()}`;
      const line = await apply({ customerId, creditLine: { requestedLimit: limit } });
      expect(line.decision).toBe('approved');
      expect(await exposureOf(line.lineId)).toEqual({
        limit,
        principalOutstanding: '0.00',
        drawsInFlight: '0.00',
      });
      return { customerId, lineId: line.lineId as string };
    };
    const drawOn = async (line: { customerId: string; lineId: string }, amount: string) => {
      const decision = await apply({
        customerId: line.customerId,
        draw: { lineId: line.lineId, amount, periods: 6 },
      });
      return { ...line, applicationId: decision.applicationId as string, decision };
    };

    it('drawn in full, paid out and repaid in full: the whole line can be drawn again', async () => {
      const line = await lineOf('10000.00');
      const first = await drawOn(line, '10000.00');
      expect(first.decision.decision).toBe('approved');
      expect(await exposureOf(line.lineId)).toMatchObject({
        principalOutstanding: '0.00',
        drawsInFlight: '10000.00',
      });
      const full = await drawOn(line, '100.00');
      expect(full.decision.decision).toBe('declined');
      expect(full.decision.rulesFired).toEqual([
        {
          code: 'EXPOSURE_CAP',
          detail:
            "draw 100.00 exceeds the line's available limit 0.00 (limit 10000.00 − principal outstanding 0.00 − draws in flight 10000.00)",
        },
      ]);

      await publishLoanEvents(loanCreated(first, '10000.00'));
      expect(await exposureOf(line.lineId)).toMatchObject({ drawsInFlight: '10000.00' });
      await publishLoanEvents(disbursed(first, '10000.00'));
      expect(await exposureOf(line.lineId)).toMatchObject({
        principalOutstanding: '10000.00',
        drawsInFlight: '0.00',
      });
      // Interest restores nothing; principal restores exactly what was allocated. The same
      // repayment delivered twice moves the line once.
      const part = repaid(first, '2500.00', '42.17');
      await publishLoanEvents(part, part);
      expect(await exposureOf(line.lineId)).toMatchObject({ principalOutstanding: '7500.00' });
      await publishLoanEvents(repaid(first, '7500.00', '0.00'));
      expect(await exposureOf(line.lineId)).toEqual({
        limit: '10000.00',
        principalOutstanding: '0.00',
        drawsInFlight: '0.00',
      });

      const view = await app.request('GET', `/v1/lines/${line.lineId}/exposure`);
      expect(view.status).toBe(200);
      expect(view.body).toEqual({
        lineId: line.lineId,
        customerId: line.customerId,
        limit: cny('10000.00'),
        principalOutstanding: cny('0.00'),
        drawsInFlight: cny('0.00'),
        available: cny('10000.00'),
      });
      const unknown = await app.request('GET', '/v1/lines/CL-nope/exposure');
      expect(unknown.status).toBe(404);
      expect(unknown.body.error.code).toBe('SCORING.LINE_NOT_FOUND');

      const again = await drawOn(line, '10000.00');
      expect(again.decision.decision).toBe('approved');
      expect(again.decision.rulesFired).toEqual([]);
      expect(await exposureOf(line.lineId)).toMatchObject({ drawsInFlight: '10000.00' });
    });

    it('a failed payout gives its amount back to the line', async () => {
      const line = await lineOf('10000.00');
      const first = await drawOn(line, '10000.00');
      expect(first.decision.decision).toBe('approved');
      expect((await drawOn(line, '5000.00')).decision.decision).toBe('declined');

      await publishLoanEvents(loanCreated(first, '10000.00'), payoutFailed(first, '10000.00'));
      expect(await exposureOf(line.lineId)).toEqual({
        limit: '10000.00',
        principalOutstanding: '0.00',
        drawsInFlight: '0.00',
      });
      expect((await drawOn(line, '10000.00')).decision.decision).toBe('approved');
    });

    it('concurrent draws on one line cannot together exceed its limit', async () => {
      const line = await lineOf('20000.00');
      // Four draws of 6,000 at once, on different partitions (keys): three fit, the fourth not.
      const envelopes = [1, 2, 3, 4].map(() =>
        submitted({
          customerId: line.customerId,
          draw: { lineId: line.lineId, amount: '6000.00', periods: 6 },
        }),
      );
      await publish(...envelopes);
      const decisions = await Promise.all(
        envelopes.map((e) => decisionOf(e.payload.applicationId)),
      );
      const outcomes = decisions.map((d) => d.decision as string).sort();
      expect(outcomes).toEqual(['approved', 'approved', 'approved', 'declined']);
      const declined = decisions.find((d) => d.decision === 'declined');
      expect(declined.rulesFired).toEqual([
        {
          code: 'EXPOSURE_CAP',
          detail:
            "draw 6000.00 exceeds the line's available limit 2000.00 (limit 20000.00 − principal outstanding 0.00 − draws in flight 18000.00)",
        },
      ]);
      expect(await exposureOf(line.lineId)).toEqual({
        limit: '20000.00',
        principalOutstanding: '0.00',
        drawsInFlight: '18000.00',
      });
    });

    it("loan events read before the line's approval (a rebuild) still count once it is approved", async () => {
      const customerId = `C-${randomUUID()}`;
      const lineApplication = submitted({ customerId, creditLine: { requestedLimit: '10000.00' } });
      const lineId = lineIdFor(lineApplication.payload.applicationId);
      const earlier = { applicationId: `A-${randomUUID()}`, customerId, lineId };
      await publishLoanEvents(
        loanCreated(earlier, '4000.00'),
        disbursed(earlier, '4000.00'),
        repaid(earlier, '1000.00', '12.00'),
      );
      await publish(lineApplication);
      expect((await decisionOf(lineApplication.payload.applicationId)).decision).toBe('approved');
      expect(await exposureOf(lineId)).toEqual({
        limit: '10000.00',
        principalOutstanding: '3000.00',
        drawsInFlight: '0.00',
      });
      const line = { customerId, lineId };
      const over = await drawOn(line, '7000.01');
      expect(over.decision.decision).toBe('declined');
      expect(over.decision.rulesFired[0].detail).toBe(
        "draw 7000.01 exceeds the line's available limit 7000.00 (limit 10000.00 − principal outstanding 3000.00 − draws in flight 0.00)",
      );
      expect((await drawOn(line, '7000.00')).decision.decision).toBe('approved');
    });

    it('a loan event the line cannot take goes to the DLQ and changes nothing', async () => {
      const line = await lineOf('10000.00');
      const first = await drawOn(line, '5000.00');
      await publishLoanEvents(loanCreated(first, '5000.00'), disbursed(first, '5000.00'));
      const tooMuch = repaid(first, '5000.01', '0.00');
      await producer.send({ topic: RepaymentAllocatedV1.topic, messages: [recordOf(tooMuch)] });
      await publishLoanEvents(repaid(first, '1.00', '0.00')); // the partition moved on past it
      expect(await exposureOf(line.lineId)).toMatchObject({ principalOutstanding: '4999.00' });
      const inbox = await app.dataSource.query<unknown[]>(
        `SELECT 1 FROM inbox WHERE event_id = $1`,
        [tooMuch.eventId],
      );
      expect(inbox).toEqual([]);
    });

    it('a group of events locks its lines in line-id order, whatever the order of the events', async () => {
      const [low, high] = [await lineOf('10000.00'), await lineOf('10000.00')].sort((a, b) =>
        a.lineId < b.lineId ? -1 : 1,
      ) as [{ customerId: string; lineId: string }, { customerId: string; lineId: string }];
      const onLow = await drawOn(low, '1000.00');
      const onHigh = await drawOn(high, '1000.00');
      // Another transaction (another partition's group) holds the higher line.
      const holder = app.dataSource.createQueryRunner();
      await holder.connect();
      await holder.startTransaction();
      await holder.query(`SELECT 1 FROM line_exposure WHERE line_id = $1 FOR UPDATE`, [
        high.lineId,
      ]);
      // The group's events name the higher line first.
      const events = [loanCreated(onHigh, '1000.00'), loanCreated(onLow, '1000.00')];
      const applying = app.dataSource.transaction((manager) =>
        app.app.get(LineExposureService).apply(events.map(lineEventOf), manager),
      );
      await waitFor('the group to wait for the higher line', async () => {
        const rows = await app.dataSource.query<{ n: number }[]>(
          `SELECT count(*)::int AS n FROM pg_stat_activity
            WHERE datname = current_database() AND wait_event_type = 'Lock'`,
        );
        return (rows[0]?.n ?? 0) > 0 ? true : undefined;
      });
      // Waiting for the higher line, the group already holds the lower one: two groups on the
      // same lines queue behind each other instead of each holding what the other needs.
      const probe = app.dataSource.createQueryRunner();
      await probe.connect();
      await probe.startTransaction();
      await expect(
        probe.query(`SELECT 1 FROM line_exposure WHERE line_id = $1 FOR UPDATE NOWAIT`, [
          low.lineId,
        ]),
      ).rejects.toMatchObject({ code: '55P03' });
      await probe.rollbackTransaction();
      await probe.release();
      await holder.commitTransaction();
      await holder.release();
      await applying;
      expect(await exposureOf(low.lineId)).toMatchObject({ drawsInFlight: '1000.00' });
      expect(await exposureOf(high.lineId)).toMatchObject({ drawsInFlight: '1000.00' });
      const loanIds = await app.dataSource.query<{ loan_id: string }[]>(
        `SELECT loan_id FROM line_draws WHERE application_id = ANY($1::text[]) ORDER BY loan_id`,
        [[onLow.applicationId, onHigh.applicationId]],
      );
      expect(loanIds.map((r) => r.loan_id)).toEqual(
        [`L-${onLow.applicationId}`, `L-${onHigh.applicationId}`].sort(),
      );
    });
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

    it('needs a customer credential and answers 404 for an unknown decision', async () => {
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
