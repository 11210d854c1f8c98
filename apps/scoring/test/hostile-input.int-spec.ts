import { type TestApp, startTestApp } from '@credit/platform';
import { fuzzService } from '@credit/testing';
import { scoringApi } from '@credit/api';
import { ScoringModule } from '../src/app.module';
import { scoringEnvSchema } from '../src/config/env';

// A hostile client over every route of the scoring service (its own and the admin routes): no
// 5xx, every defective write refused, the database unchanged.
describe('scoring service under hostile input', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({
      service: 'scoring',
      database: 'credit_test_scoring_hostile',
      envSchema: scoringEnvSchema,
      module: (config, logger) => ScoringModule.register(config, logger),
    });
  });
  afterAll(() => app.close());

  it('answers every route without a 5xx, refuses every defective write and changes nothing', async () => {
    const { findings, sent, before, after } = await fuzzService({ app, api: scoringApi, seed: 2 });
    expect(findings).toEqual([]);
    expect(sent).toBeGreaterThan(200);
    expect(after).toEqual(before);
  });
});
