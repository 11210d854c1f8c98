import { randomUUID } from 'node:crypto';
import { ApplicationSubmittedV1 } from '@credit/contracts';
import { OutboxWriter, recordOf } from '@credit/messaging';
import { type TestApp, startTestApp } from '@credit/platform';
import {
  type SubmittedApplication,
  applicationSubmitted,
  borderlineProfile,
  fuzzService,
  strongProfile,
  testKafka,
  waitFor,
} from '@credit/testing';
import { scoringApi } from '@credit/api';
import { ScoringModule } from '../src/app.module';
import { scoringEnvSchema } from '../src/config/env';

// A hostile client over every route of the scoring service (its own and the admin routes), with
// a referral waiting and an approved line to aim at: no 5xx, every defective write refused (an
// approval or decline of the real referral too), the database unchanged.
describe('scoring service under hostile input', () => {
  let app: TestApp;
  const decisions: { applicationId: string; decision: string; lineId: string | null }[] = [];

  const apply = async (options: SubmittedApplication) => {
    const payload = applicationSubmitted(options);
    const producer = testKafka('scoring-hostile').producer();
    await producer.connect();
    await producer.send({
      topic: ApplicationSubmittedV1.topic,
      messages: [
        recordOf(
          new OutboxWriter('test').build({
            definition: ApplicationSubmittedV1,
            key: payload.applicationId,
            payload,
          }),
        ),
      ],
    });
    await producer.disconnect();
    decisions.push(
      await waitFor(`the decision on ${payload.applicationId}`, async () => {
        const response = await app.request('GET', `/v1/decisions/${payload.applicationId}`);
        return response.status === 200 ? response.body : undefined;
      }),
    );
  };

  beforeAll(async () => {
    app = await startTestApp({
      service: 'scoring',
      database: 'credit_test_scoring_hostile',
      envSchema: scoringEnvSchema,
      module: (config, logger) => ScoringModule.register(config, logger),
    });
    await apply({ customerId: `C-${randomUUID()}`, profile: strongProfile });
    // The borderline applicant of the referral specs: referred to an operator.
    await apply({
      customerId: `C-${randomUUID()}`,
      profile: borderlineProfile,
      age: 34,
      monthlyIncome: '12000.00',
      monthlyDebtPayments: '1500.00',
    });
  });
  afterAll(() => app.close());

  it('answers every route without a 5xx, refuses every defective write and changes nothing', async () => {
    expect(decisions.map((d) => [d.decision, d.lineId !== null])).toEqual([
      ['approved', true],
      ['referred', false],
    ]);
    const { findings, sent, before, after } = await fuzzService({
      app,
      api: scoringApi,
      ids: {
        applicationId: decisions.map((d) => d.applicationId),
        lineId: decisions.flatMap((d) => (d.lineId ? [d.lineId] : [])),
      },
      seed: 2,
    });
    expect(findings).toEqual([]);
    expect(sent).toBeGreaterThan(200);
    expect(after).toEqual(before);
  });
});
