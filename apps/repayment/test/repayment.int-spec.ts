import { randomUUID } from 'node:crypto';
import { type LoanTerms, LoanDisbursedV1 } from '@credit/contracts';
import { legacyJsonRequestHash } from '@credit/kernel';
import { addDays } from '@credit/lending-math';
import { OutboxWriter, recordOf } from '@credit/messaging';
import { type TestApp, TestCustomerTokens, startTestApp } from '@credit/platform';
import {
  loanTerms,
  purchasePricing,
  replayed,
  settledChecksums,
  testKafka,
  waitFor,
} from '@credit/testing';
import { RepaymentModule } from '../src/app.module';
import { repaymentEnvSchema } from '../src/config/env';
import { CloseOfBusinessService } from '../src/close-of-business/close-of-business.service';

const writer = new OutboxWriter('test-disbursement');
const kafka = testKafka('repayment-test');
const today = new Date().toISOString().slice(0, 10);

function start(database: string): Promise<TestApp> {
  return startTestApp({
    service: 'repayment',
    database,
    envSchema: repaymentEnvSchema,
    module: (config, logger) => RepaymentModule.register(config, logger),
    env: { COB_SCHEDULE_ENABLED: 'false' },
  });
}

/** The customer a test loan is disbursed to (unless told otherwise). */
const ownerOf = (loanId: string) => TestCustomerTokens.customerIdOf(loanId);

/** Publishes loan.disbursed as the disbursement service would, and waits until the loan exists. */
async function disburse(
  app: TestApp,
  principal: string,
  terms: Partial<LoanTerms>,
  lineId: string | null = null,
  customer?: string,
): Promise<string> {
  const loanId = `L-${randomUUID().slice(0, 8)}`;
  const cash = terms.method === 'daily-interest';
  const fullTerms: LoanTerms = {
    ...loanTerms(purchasePricing(), today),
    feePayer: 'buyer',
    ...terms,
  };
  const envelope = writer.build({
    definition: LoanDisbursedV1,
    key: loanId,
    payload: {
      loanId,
      customerId: customer ?? ownerOf(loanId),
      product: cash ? 'cash-loan' : 'installment-purchase',
      principal: { amount: principal, currency: 'CNY' },
      merchantId: cash ? null : 'M-1',
      merchantFee: null,
      lineId,
      terms: fullTerms,
      disbursedAt: new Date().toISOString(),
    },
  });
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({
    topic: LoanDisbursedV1.topic,
    messages: [recordOf(envelope), recordOf(envelope)],
  });
  await producer.disconnect();
  await waitFor('the loan', async () =>
    (await app.request('GET', `/v1/loans/${loanId}`)).status === 200 ? true : undefined,
  );
  return loanId;
}

const close = (app: TestApp, businessDate: string) =>
  app.request('POST', '/v1/close-of-business', { body: { businessDate } });
/** A repayment by the loan's own customer. */
const repay = (app: TestApp, loanId: string, key: string, amount: string) =>
  app.request('POST', `/v1/loans/${loanId}/repayments`, {
    idempotencyKey: key,
    customer: ownerOf(loanId),
    body: { amount, currency: 'CNY' },
  });
const outboxTypes = async (app: TestApp, loanId: string) =>
  (
    await app.dataSource.query<{ event_type: string }[]>(
      `SELECT event_type FROM outbox WHERE message_key = $1 AND event_type <> 'loan.state-recorded' ORDER BY seq`,
      [loanId],
    )
  ).map((r) => r.event_type);

describe('repayment service on real PostgreSQL and Kafka', () => {
  describe('installment-purchase-3-periods-paid-on-time', () => {
    let app: TestApp;
    beforeAll(async () => {
      app = await start('credit_test_repayment_plan');
    });
    afterAll(() => app.close());

    it('stores the loan once with its schedule, charges each fee when due, and ends with nothing owed', async () => {
      const lineId = `LINE-${randomUUID().slice(0, 8)}`;
      const loanId = await disburse(app, '1000.00', {}, lineId);
      const drawn = async () =>
        (await app.request('GET', `/v1/lines/${lineId}/exposure`, { customer: ownerOf(loanId) }))
          .body.drawn;
      expect(await drawn()).toEqual([
        { currency: 'CNY', principalOutstanding: '1000.00', activeLoans: 1 },
      ]);
      const loan = (await app.request('GET', `/v1/loans/${loanId}`)).body;
      expect(loan.installments.map((i: { total: string }) => i.total)).toEqual([
        '341.66',
        '341.66',
        '341.68',
      ]);
      expect(loan.outstanding).toMatchObject({ principal: '1000.00', total: '1000.00' });
      for (const [index, installment] of loan.installments.entries()) {
        // Close the day before: the business day of the payment is then the due date itself.
        const report = (await close(app, addDays(installment.dueDate, -1))).body;
        expect(report.events['penalty.accrued']).toBeUndefined();
        const paid = await repay(app, loanId, `${loanId}-p${index}`, installment.total);
        expect(paid.status).toBe(201);
        expect(paid.body.allocation).toMatchObject({
          principal: installment.principal,
          fee: installment.fee,
          overpayment: '0.00',
        });
      }
      const final = (await app.request('GET', `/v1/loans/${loanId}`)).body;
      expect(final.status).toBe('paid-off');
      // Principal repaid restores the line: nothing is drawn on it any more.
      expect(await drawn()).toEqual([]);
      expect(final.outstanding.total).toBe('0.00');
      expect(final.installments.every((i: { status: string }) => i.status === 'paid')).toBe(true);
      expect(await outboxTypes(app, loanId)).toEqual([
        'schedule.created',
        'fee.charged',
        'repayment.allocated',
        'fee.charged',
        'repayment.allocated',
        'fee.charged',
        'repayment.allocated',
      ]);
    });
  });

  describe('cash-loan-repaid-early-day-10', () => {
    let app: TestApp;
    beforeAll(async () => {
      app = await start('credit_test_repayment_cash');
    });
    afterAll(() => app.close());

    it('charges interest only for the ten days used and no prepayment fee', async () => {
      const loanId = await disburse(app, '10000.00', {
        method: 'daily-interest',
        periods: 6,
        dailyRate: '0.0005',
        feeRate: null,
        feePayer: null,
      });
      await close(app, addDays(today, 9));
      const quote = await app.request(
        'POST',
        `/v1/loans/${loanId}/payoff-quote?date=${addDays(today, 10)}`,
        { customer: ownerOf(loanId) },
      );
      expect(quote.body).toMatchObject({
        principal: '10000.00',
        interest: '50.00',
        total: '10050.00',
      });
      const paid = await repay(app, loanId, `${loanId}-payoff`, '10050.00');
      expect(paid.body).toMatchObject({
        businessDate: addDays(today, 10),
        payoff: true,
        loanStatus: 'paid-off',
      });
      expect(paid.body.allocation).toMatchObject({
        interest: '50.00',
        principal: '10000.00',
        overpayment: '0.00',
      });
      const types = await outboxTypes(app, loanId);
      expect(types.filter((t) => t === 'interest.accrued')).toHaveLength(10);
      expect(types.at(-1)).toBe('repayment.allocated');
    });
  });

  describe('loan-95-days-past-due-with-penalty', () => {
    let app: TestApp;
    let loanId: string;
    beforeAll(async () => {
      app = await start('credit_test_repayment_late');
      loanId = await disburse(app, '1000.00', {});
    });
    afterAll(() => app.close());

    it('is 95 days past due in the 90+ bucket with penalty accrued on overdue principal', async () => {
      const loan = (await app.request('GET', `/v1/loans/${loanId}`)).body;
      // Closing day 94 makes day 95 past the first due date the current business date.
      const target = addDays(loan.installments[0].dueDate, 94);
      const report = (await close(app, target)).body;
      expect(report.events['penalty.accrued']).toBe(94);
      const late = (await app.request('GET', `/v1/loans/${loanId}`)).body;
      expect(late).toMatchObject({ daysPastDue: 95, delinquencyBucket: '90+', status: 'active' });
      expect(late.installments.map((i: { status: string }) => i.status)).toEqual([
        'past-due',
        'past-due',
        'past-due',
      ]);
      expect(late.outstanding.penalty).not.toBe('0.00');
      const again = (await close(app, target)).body;
      expect(again).toMatchObject({ alreadyClosed: true, loansClosed: 0, events: {} });
    });

    it('applies a payment to principal first once the loan is non-performing (90+ days past due)', async () => {
      const before = (await app.request('GET', `/v1/loans/${loanId}`)).body;
      const paid = await repay(app, loanId, `${loanId}-late-1`, '100.00');
      expect(paid.status).toBe(201);
      // 90+ days past due: the non-performing waterfall takes principal first.
      expect(paid.body.allocation).toMatchObject({ principal: '100.00', penalty: '0.00' });
      const after = (await app.request('GET', `/v1/loans/${loanId}`)).body;
      expect(after.outstanding.principal).toBe('900.00');
      expect(after.outstanding.penalty).toBe(before.outstanding.penalty);
    });

    it('answers bad input with 4xx naming the problem and changes nothing', async () => {
      const count = async () =>
        (
          await app.dataSource.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM repayments`)
        )[0]?.n;
      const before = await count();
      const cases: [string, () => Promise<{ status: number; body: any }>, number, string][] = [
        ['zero amount', () => repay(app, loanId, 'bad-1', '0.00'), 400, 'amount'],
        ['negative amount', () => repay(app, loanId, 'bad-2', '-5.00'), 400, 'amount'],
        ['too many decimals', () => repay(app, loanId, 'bad-3', '1.001'), 400, 'amount'],
        [
          'unknown loan',
          () => repay(app, 'L-nope', 'bad-4', '1.00'),
          404,
          'REPAYMENT.LOAN_NOT_FOUND',
        ],
        [
          'missing key',
          () =>
            app.request('POST', `/v1/loans/${loanId}/repayments`, {
              customer: ownerOf(loanId),
              body: { amount: '1.00', currency: 'CNY' },
            }),
          400,
          'Idempotency-Key',
        ],
        [
          'other currency',
          () =>
            app.request('POST', `/v1/loans/${loanId}/repayments`, {
              idempotencyKey: 'bad-5',
              customer: ownerOf(loanId),
              body: { amount: '1.00', currency: 'USD' },
            }),
          400,
          'currency',
        ],
      ];
      for (const [name, call, status, mentions] of cases) {
        const response = await call();
        expect({ name, status: response.status }).toEqual({ name, status });
        expect(JSON.stringify(response.body)).toContain(mentions);
      }
      expect(await count()).toBe(before);
    });

    it('replays a repayment with the same key and refuses the key with other content', async () => {
      const first = await repay(app, loanId, `${loanId}-idem`, '10.00');
      const again = await repay(app, loanId, `${loanId}-idem`, '10.00');
      expect(again.status).toBe(200);
      expect(again.body.repaymentId).toBe(first.body.repaymentId);
      const conflict = await repay(app, loanId, `${loanId}-idem`, '11.00');
      expect(conflict.status).toBe(409);
    });

    it('still replays a key recorded before the canonical request hash (the JSON.stringify hash)', async () => {
      const key = `${loanId}-legacy`;
      const first = await repay(app, loanId, key, '10.00');
      expect(first.status).toBe(201);
      // As a row written before the upgrade: the hash of JSON.stringify, key order as built.
      const legacy = legacyJsonRequestHash({ loanId, amount: '10.00', currency: 'CNY' });
      await app.dataSource.query(
        `UPDATE repayments SET request_hash = $2 WHERE idempotency_key = $1`,
        [key, legacy],
      );
      const again = await repay(app, loanId, key, '10.00');
      expect({ status: again.status, id: again.body.repaymentId }).toEqual({
        status: 200,
        id: first.body.repaymentId,
      });
      const conflict = await repay(app, loanId, key, '11.00');
      expect(conflict.status).toBe(409);
      expect(conflict.body.error.code).toBe('REPAYMENT.IDEMPOTENCY_CONFLICT');
    });

    it('charges the loan off at 180 days past due; later payments are recoveries', async () => {
      const loan = (await app.request('GET', `/v1/loans/${loanId}`)).body;
      const report = (await close(app, addDays(loan.installments[0].dueDate, 180))).body;
      expect(report.events['loan.charged-off']).toBe(1);
      expect((await app.request('GET', `/v1/loans/${loanId}`)).body.status).toBe('charged-off');
      const recovery = await repay(app, loanId, `${loanId}-recovery`, '50.00');
      expect(recovery.body.allocation.recovery).toBe('50.00');
      expect((await outboxTypes(app, loanId)).at(-1)).toBe('recovery.received');
    });
  });

  it('books a payment as a recovery when catching the loan up to today charges it off', async () => {
    const app = await start('credit_test_repayment_catch_up_charge_off');
    try {
      // Nothing has closed this loan's days since it started 300 days ago.
      const loanId = await disburse(app, '600.00', { startDate: addDays(today, -300) });
      const paid = await repay(app, loanId, `${loanId}-catch-up`, '40.00');
      expect({ status: paid.status, recovery: paid.body.allocation?.recovery }).toEqual({
        status: 201,
        recovery: '40.00',
      });
      expect((await app.request('GET', `/v1/loans/${loanId}`)).body.status).toBe('charged-off');
      const types = await outboxTypes(app, loanId);
      expect(types.filter((t) => t === 'loan.charged-off')).toHaveLength(1);
      expect(types.at(-1)).toBe('recovery.received');
    } finally {
      await app.close();
    }
  });

  it('starts a loan disbursed on an already closed business date on the current business date', async () => {
    const app = await start('credit_test_repayment_business_time_ahead');
    try {
      // Business time has run 40 days ahead of the wall clock; the payout is dated today.
      await close(app, addDays(today, 40));
      const loanId = await disburse(app, '1000.00', { startDate: today });
      const loan = (await app.request('GET', `/v1/loans/${loanId}`)).body;
      expect(loan.terms.startDate).toBe(addDays(today, 41));
      expect(loan.installments[0].dueDate > addDays(today, 41)).toBe(true);
      const report = (await close(app, addDays(today, 41))).body;
      expect(report.events).toEqual({});
      expect((await app.request('GET', `/v1/loans/${loanId}`)).body).toMatchObject({
        status: 'active',
        daysPastDue: 0,
        outstanding: { penalty: '0.00', fee: '0.00' },
      });
    } finally {
      await app.close();
    }
  });

  describe('close of business audit', () => {
    let app: TestApp;
    beforeAll(async () => {
      app = await start('credit_test_repayment_audit');
      await disburse(app, '1000.00', {});
    });
    afterAll(() => app.close());

    const closedBy = async (date: string) =>
      app.dataSource.query<{ actor: string }[]>(
        `SELECT actor FROM business_days WHERE business_date = $1`,
        [date],
      );

    it('records who closed a date; closing it again, whoever asks, records nothing new', async () => {
      const date = addDays(today, 3);
      const first = await close(app, date);
      expect(first.status).toBe(201);
      expect(first.body).toMatchObject({
        alreadyClosed: false,
        closedBy: 'operator:bootstrap:env-operator',
      });
      const again = await app.request('POST', '/v1/close-of-business', {
        role: 'admin',
        body: { businessDate: date },
      });
      expect(again.body).toMatchObject({
        alreadyClosed: true,
        closedBy: 'operator:bootstrap:env-operator',
      });
      expect(await closedBy(date)).toEqual([{ actor: 'operator:bootstrap:env-operator' }]);
      const [announced] = await app.dataSource.query<{ closedBy: string }[]>(
        `SELECT envelope->'payload'->>'closedBy' AS "closedBy" FROM outbox
          WHERE envelope->>'type' = 'calendar.business-day-closed' AND envelope->'payload'->>'businessDate' = $1`,
        [date],
      );
      expect(announced).toEqual({ closedBy: 'operator:bootstrap:env-operator' });
    });

    it('the scheduled close of yesterday records the service itself', async () => {
      await app.app.get(CloseOfBusinessService).task.runNow();
      expect(await closedBy(addDays(today, -1))).toEqual([{ actor: 'system:repayment' }]);
    });
  });

  describe('rebuild from the log', () => {
    const database = 'credit_test_repayment_rebuild';
    /** Every stored row of these loans, and the dates closed: what a rebuild must restore. */
    const snapshot = async (app: TestApp, loanIds: string[], dates: string[]) => {
      const rows = (sql: string, params: unknown[]) => app.dataSource.query<unknown[]>(sql, params);
      return {
        loans: await rows(
          `SELECT *, to_char(start_date, 'YYYY-MM-DD') AS start_date, to_char(processed_through, 'YYYY-MM-DD') AS processed_through,
                  to_char(closed_on, 'YYYY-MM-DD') AS closed_on
             FROM loans WHERE id = ANY($1) ORDER BY id`,
          [loanIds],
        ),
        installments: await rows(
          `SELECT *, to_char(due_date, 'YYYY-MM-DD') AS due_date, to_char(paid_on, 'YYYY-MM-DD') AS paid_on
             FROM installments WHERE loan_id = ANY($1) ORDER BY loan_id, period`,
          [loanIds],
        ),
        repayments: await rows(
          `SELECT *, to_char(business_date, 'YYYY-MM-DD') AS business_date FROM repayments
            WHERE loan_id = ANY($1) ORDER BY id`,
          [loanIds],
        ),
        businessDays: await rows(
          `SELECT to_char(business_date, 'YYYY-MM-DD') AS business_date, closed_at, report, actor FROM business_days
            WHERE business_date = ANY($1::date[]) ORDER BY business_date`,
          [dates],
        ),
        views: await Promise.all(
          loanIds.map(async (id) => (await app.request('GET', `/v1/loans/${id}`)).body as unknown),
        ),
      };
    };

    it('with its database emptied, replaying its input topics restores the same loans, schedules, repayments and states', async () => {
      // The test broker's topics also hold what other test instances of the service recorded
      // (their closed dates, their loans): the rebuild replays from this instance's first event
      // (records carry their producer's clock, this one's).
      const since = new Date().toISOString();
      const before = await start(database);
      const plan = await disburse(before, '1000.00', {});
      const cash = await disburse(before, '2000.00', {
        method: 'daily-interest',
        feeRate: null,
        dailyRate: '0.0005',
      });
      const late = await disburse(before, '600.00', { periods: 6 });
      const planView = (await before.request('GET', `/v1/loans/${plan}`)).body;
      const firstDue = planView.installments[0].dueDate as string;
      const dates = [addDays(firstDue, -1), addDays(firstDue, 12)];
      await close(before, dates[0]!);
      expect((await repay(before, plan, `${plan}-r1`, planView.installments[0].total)).status).toBe(
        201,
      );
      expect((await repay(before, cash, `${cash}-r1`, '300.00')).status).toBe(201);
      await close(before, dates[1]!);
      expect((await repay(before, late, `${late}-r1`, '15.00')).status).toBe(201);
      const loanIds = [plan, cash, late];
      // Everything the service wrote is on the log before its database goes away.
      await waitFor('the outbox to drain', async () => {
        const [row] = await before.dataSource.query<{ n: number }[]>(
          `SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL`,
        );
        return row?.n === 0 ? true : undefined;
      });
      const original = await snapshot(before, loanIds, dates);
      expect(original.repayments).toHaveLength(3);
      expect(original.businessDays).toHaveLength(2);
      // Who closed each date comes back with the rebuild (the changelog carries it).
      expect(original.businessDays).toMatchObject([
        { actor: 'operator:bootstrap:env-operator' },
        { actor: 'operator:bootstrap:env-operator' },
      ]);
      await before.close();

      // Same database name: startTestApp drops and recreates it empty, with a new consumer group.
      const after = await start(database);
      try {
        expect((await after.request('GET', `/v1/loans/${plan}`)).status).toBe(404);
        const report = await replayed(after, `rebuild-${plan}`, since);
        expect(report).toMatchObject({ status: 'succeeded' });
        expect(report.result.counts.failed).toBe(0);
        expect(await snapshot(after, loanIds, dates)).toEqual(original);
        // A second replay finds everything applied and changes nothing.
        const again = await replayed(after, `rebuild-again-${plan}`, since);
        expect(again.result.counts).toMatchObject({ applied: 0, failed: 0 });
        expect(await snapshot(after, loanIds, dates)).toEqual(original);
      } finally {
        await after.close();
      }
    });
  });

  describe('ownership: a customer sees and acts only on their own loans', () => {
    let app: TestApp;
    beforeAll(async () => {
      app = await start('credit_test_repayment_owner');
    });
    afterAll(() => app.close());

    it("answers another customer's loan as a missing one on every route and changes nothing; the owner and operators are served", async () => {
      const lineId = `LINE-${randomUUID().slice(0, 8)}`;
      const loanId = await disburse(app, '1000.00', {}, lineId);
      const owner = { customer: ownerOf(loanId) };
      const stranger = { customer: TestCustomerTokens.customerIdOf(`stranger-${loanId}`) };
      const payment = { amount: '10.00', currency: 'CNY' };
      const routes = [
        ['GET', '/v1/loans/{id}', {}],
        ['POST', '/v1/loans/{id}/repayments', { idempotencyKey: `own-${loanId}`, body: payment }],
        ['POST', '/v1/loans/{id}/payoff-quote', {}],
      ] as const;

      const before = await settledChecksums(app.dataSource);
      const missing = 'L-missing0';
      for (const [method, path, options] of routes) {
        const theirs = await app.request(method, path.replace('{id}', loanId), {
          ...stranger,
          ...options,
        });
        const none = await app.request(method, path.replace('{id}', missing), {
          ...stranger,
          ...options,
        });
        expect([path, theirs.status, none.status]).toEqual([path, 404, 404]);
        expect(JSON.stringify(theirs.body).replaceAll(loanId, '<id>')).toBe(
          JSON.stringify(none.body).replaceAll(missing, '<id>'),
        );
      }
      // Another customer's line answers as an unknown line: nothing drawn, nothing confirmed.
      const theirLine = await app.request('GET', `/v1/lines/${lineId}/exposure`, stranger);
      const unknownLine = await app.request('GET', '/v1/lines/LINE-unknown/exposure', stranger);
      expect([theirLine.status, theirLine.body]).toEqual([200, { lineId, drawn: [] }]);
      expect(unknownLine.body.drawn).toEqual([]);
      expect(await settledChecksums(app.dataSource)).toEqual(before);

      // The owner: each route answers.
      const drawn = [{ currency: 'CNY', principalOutstanding: '1000.00', activeLoans: 1 }];
      expect((await app.request('GET', `/v1/lines/${lineId}/exposure`, owner)).body).toEqual({
        lineId,
        drawn,
      });
      let ownRepayment = '';
      for (const [method, path, options] of routes) {
        const answer = await app.request(method, path.replace('{id}', loanId), {
          ...owner,
          ...options,
        });
        expect([path, answer.status]).toEqual([path, method === 'GET' ? 200 : 201]);
        if (path.endsWith('/repayments')) ownRepayment = answer.body.repaymentId as string;
      }
      expect(ownRepayment).toMatch(/./);
      // The owner's key replayed by another customer: on the owner's loan a 404; on a loan of
      // their own a conflict; never the owner's repayment.
      const theirLoan = await disburse(app, '500.00', {}, null, stranger.customer);
      for (const target of [loanId, theirLoan]) {
        const replay = await app.request('POST', `/v1/loans/${target}/repayments`, {
          ...stranger,
          idempotencyKey: `own-${loanId}`,
          body: payment,
        });
        expect(replay.status).toBe(target === loanId ? 404 : 409);
        expect(replay.body.repaymentId).toBeUndefined();
        expect(JSON.stringify(replay.body)).not.toContain(ownRepayment);
      }
      // Operators and admins: every customer's (the repayment key replays the owner's answer).
      const staffStatus = { GET: 200, POST: 201 } as const;
      for (const [method, path, options] of routes) {
        const answer = await app.request(method, path.replace('{id}', loanId), {
          role: 'operator',
          ...options,
        });
        const expected = path.endsWith('/repayments') ? 200 : staffStatus[method];
        expect([path, answer.status]).toEqual([path, expected]);
      }
      const staffLine = await app.request('GET', `/v1/lines/${lineId}/exposure`, { role: 'admin' });
      expect(staffLine.body.drawn).toHaveLength(1);
      // A quote is a calculation: any customer.
      const quote = await app.request('POST', '/v1/quotes', {
        ...stranger,
        body: { method: 'flat-fee', principal: '1000.00', currency: 'CNY', periods: 3 },
      });
      expect(quote.status).toBe(201);
    });
  });

  it('quotes a 1,000 purchase in 3 periods at 2.5 % without state', async () => {
    const app = await start('credit_test_repayment_quote');
    try {
      const quote = await app.request('POST', '/v1/quotes', {
        role: 'customer',
        body: { method: 'flat-fee', principal: '1000.00', currency: 'CNY', periods: 3 },
      });
      expect(quote.status).toBe(201);
      expect(quote.body.totals).toEqual({
        principal: '1000.00',
        interest: '0.00',
        fee: '25.00',
        total: '1025.00',
      });
      expect(quote.body.apr).toBe('0.1600');
      const bad = await app.request('POST', '/v1/quotes', {
        role: 'customer',
        body: { method: 'equal-installment', principal: '1000.00', currency: 'CNY', periods: 12 },
      });
      expect(bad.status).toBe(400);
      expect(bad.body.error.fields).toEqual([
        { field: 'annualRate', problems: ['annualRate is required for equal-installment'] },
      ]);
    } finally {
      await app.close();
    }
  });
});
