import { type TestApp, startTestApp } from '@credit/platform';
import { fuzzService } from '@credit/testing';
import { portfolioApi } from '@credit/api';
import { PortfolioModule } from '../src/app.module';
import { portfolioEnvSchema } from '../src/config/env';

// A hostile client over every route of the portfolio service (its own and the admin routes):
// no 5xx, every defective write refused, the database unchanged.
describe('portfolio service under hostile input', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({
      service: 'portfolio',
      database: 'credit_test_portfolio_hostile',
      envSchema: portfolioEnvSchema,
      module: (config, logger) => PortfolioModule.register(config, logger),
    });
  });
  afterAll(() => app.close());

  it('answers every route without a 5xx, refuses every defective write and changes nothing', async () => {
    const { findings, sent, before, after } = await fuzzService({
      app,
      api: portfolioApi,
      seed: 6,
    });
    expect(findings).toEqual([]);
    expect(sent).toBeGreaterThan(100);
    expect(after).toEqual(before);
  });
});
