import { type TestApp, startTestApp } from '@credit/platform';
import { fuzzService, waitFor } from '@credit/testing';
import { disbursementApi } from '@credit/api';
import { DisbursementModule } from '../src/app.module';
import { disbursementEnvSchema } from '../src/config/env';
import { decided, publish } from './support';

// A hostile client over every route of the disbursement service (its own and the admin routes),
// with a real disbursement to aim at: no 5xx, every defective write refused, the database unchanged.
describe('disbursement service under hostile input', () => {
  let app: TestApp;
  const purchase = decided('installment-purchase', '1000.00');
  const loanId = `L-${purchase.applicationId}`;
  beforeAll(async () => {
    app = await startTestApp({
      service: 'disbursement',
      database: 'credit_test_disbursement_hostile',
      envSchema: disbursementEnvSchema,
      module: (config, logger) => DisbursementModule.register(config, logger),
      env: { SETTLEMENT_SCHEDULE_ENABLED: 'false' },
    });
    await publish([purchase]);
    await waitFor('the disbursement', async () => {
      const response = await app.request('GET', `/v1/disbursements/${loanId}`);
      return response.status === 200 && response.body.state === 'disbursed' ? true : undefined;
    });
  });
  afterAll(() => app.close());

  it('answers every route without a 5xx, refuses every defective write and changes nothing', async () => {
    const { findings, sent, before, after } = await fuzzService({
      app,
      api: disbursementApi,
      ids: { loanId: [loanId] },
      seed: 3,
    });
    expect(findings).toEqual([]);
    expect(sent).toBeGreaterThan(100);
    expect(after).toEqual(before);
  });
});
