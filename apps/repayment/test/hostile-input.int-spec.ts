import { randomUUID } from 'node:crypto';
import { LoanDisbursedV1 } from '@credit/contracts';
import { addDays } from '@credit/lending-math';
import { OutboxWriter, recordOf } from '@credit/messaging';
import { type TestApp, startTestApp } from '@credit/platform';
import { fuzzService, loanTerms, purchasePricing, testKafka, waitFor } from '@credit/testing';
import { repaymentApi } from '@credit/api';
import { RepaymentModule } from '../src/app.module';
import { repaymentEnvSchema } from '../src/config/env';

// A hostile client over every route of the repayment service (its own and the admin routes),
// with a real loan to aim at: no 5xx, every defective write refused, the database unchanged.
describe('repayment service under hostile input', () => {
  let app: TestApp;
  const loanId = `L-${randomUUID().slice(0, 8)}`;
  const lineId = `LINE-${randomUUID().slice(0, 8)}`;
  const today = new Date().toISOString().slice(0, 10);

  beforeAll(async () => {
    app = await startTestApp({
      service: 'repayment',
      database: 'credit_test_repayment_hostile',
      envSchema: repaymentEnvSchema,
      module: (config, logger) => RepaymentModule.register(config, logger),
      env: { COB_SCHEDULE_ENABLED: 'false' },
    });
    const envelope = new OutboxWriter('test-disbursement').build({
      definition: LoanDisbursedV1,
      key: loanId,
      payload: {
        loanId,
        customerId: `C-${loanId}`,
        product: 'installment-purchase',
        principal: { amount: '1000.00', currency: 'CNY' },
        merchantId: 'M-1',
        merchantFee: null,
        lineId,
        terms: { ...loanTerms(purchasePricing(), today), feePayer: 'buyer' },
        disbursedAt: new Date().toISOString(),
      },
    });
    const producer = testKafka('repayment-hostile').producer();
    await producer.connect();
    await producer.send({ topic: LoanDisbursedV1.topic, messages: [recordOf(envelope)] });
    await producer.disconnect();
    await waitFor('the loan', async () =>
      (await app.request('GET', `/v1/loans/${loanId}`)).status === 200 ? true : undefined,
    );
  });
  afterAll(() => app.close());

  it('refuses dates that would size unbounded work, naming the bound, and stays responsive', async () => {
    const started = Date.now();
    const far = await app.request('POST', `/v1/loans/${loanId}/payoff-quote?date=9999-12-31`);
    expect(far.status).toBe(400);
    const beyond = await app.request(
      'POST',
      `/v1/loans/${loanId}/payoff-quote?date=${addDays(today, 800)}`,
    );
    expect(beyond.status).toBe(400);
    expect(beyond.body.error.message).toContain('731 days after the business date');
    expect(Date.now() - started).toBeLessThan(5_000);
    const near = await app.request(
      'POST',
      `/v1/loans/${loanId}/payoff-quote?date=${addDays(today, 30)}`,
    );
    expect(near.status).toBe(201);
    const close = await app.request('POST', '/v1/close-of-business', {
      body: { businessDate: addDays(today, 800) },
    });
    expect(close.status).toBe(400);
    expect(close.body.error.field).toBe('businessDate');
    for (const startDate of ['9999-12-31', '0000-01-01']) {
      const quote = await app.request('POST', '/v1/quotes', {
        role: 'customer',
        body: { method: 'flat-fee', principal: '1000.00', currency: 'CNY', periods: 3, startDate },
      });
      expect([startDate, quote.status]).toEqual([startDate, 400]);
    }
  });

  it('answers every route without a 5xx, refuses every defective write and changes nothing', async () => {
    const { findings, sent, before, after } = await fuzzService({
      app,
      api: repaymentApi,
      ids: { id: [loanId], lineId: [lineId] },
      seed: 4,
      readOnlyWrites: ['payoffQuote', 'quoteSchedule'],
    });
    expect(findings).toEqual([]);
    expect(sent).toBeGreaterThan(200);
    expect(after).toEqual(before);
  });
});
