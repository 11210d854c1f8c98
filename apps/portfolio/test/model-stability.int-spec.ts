import { randomUUID } from 'node:crypto';
import { ApplicationDecidedV1, type EventDefinition, ModelDeployedV1 } from '@credit/contracts';
import { OutboxWriter, recordOf } from '@credit/messaging';
import { TestApiKeys, type TestApp, startTestApp } from '@credit/platform';
import { testKafka, waitFor } from '@credit/testing';
import { PortfolioModule } from '../src/app.module';
import { portfolioEnvSchema } from '../src/config/env';

// Population stability of live scores against the training sample the scoring service announced.
describe('portfolio: model stability from model.deployed and the decisions', () => {
  let app: TestApp;
  const writer = new OutboxWriter('test-scoring');
  const run = randomUUID().slice(0, 8);
  // A version of this run's own, so that other specs' decisions never fall in its bins.
  const modelVersion = `scorecard-v${900000 + Math.floor(Math.random() * 99999)}`;
  const sha = (c: string) => c.repeat(64);

  const send = async (
    definition: EventDefinition,
    messages: { key: string; payload: unknown }[],
  ) => {
    const producer = testKafka('portfolio-model-test').producer();
    await producer.connect();
    await producer.send({
      topic: definition.topic,
      messages: messages.map(({ key, payload }) =>
        recordOf(writer.build({ definition, key, payload })),
      ),
    });
    await producer.disconnect();
  };
  const decided = (n: number, score: number, decidedAt: string, model = modelVersion) => ({
    key: `A-MS-${run}-${n}`,
    payload: {
      applicationId: `A-MS-${run}-${n}`,
      customerId: `C-MS-${run}`,
      kind: 'credit-line',
      decision: 'approved',
      modelVersion: model,
      score,
      pd: '0.0500',
      reasons: [],
      rulesFired: [],
      creditLine: null,
      draw: null,
      decidedAt,
    },
  });
  const stability = (query: string) => app.request('GET', `/v1/portfolio/model-stability?${query}`);

  beforeAll(async () => {
    app = await startTestApp({
      service: 'portfolio',
      database: 'credit_test_portfolio',
      envSchema: portfolioEnvSchema,
      module: (config, logger) => PortfolioModule.register(config, logger),
    });
  });
  afterAll(() => app.close());

  it('answers 404 for a model the scoring service has not announced, naming modelVersion', async () => {
    const response = await stability(`from=2026-05-01&to=2026-05-31&modelVersion=${modelVersion}`);
    expect(response.status).toBe(404);
    expect(JSON.stringify(response.body)).toContain('MODEL.NOT_DEPLOYED');
    expect(JSON.stringify(response.body)).toContain('modelVersion');
  });

  it('compares the live scores with the training bins: the index by hand', async () => {
    // Training: 25% below 500, 50% in [500, 550), 25% from 550.
    await send(ModelDeployedV1, [
      {
        key: modelVersion,
        payload: {
          modelVersion,
          trainedOnSha256: sha('a'),
          referenceScores: {
            population: 'the 100 training rows',
            edges: [500, 550],
            counts: [25, 50, 25],
          },
        },
      },
    ]);
    await send(ApplicationDecidedV1, [
      // In May: one below 500, one in the middle bin, two from 550 (one exactly on the edge).
      decided(1, 480, '2026-05-01T00:00:00.000Z'),
      decided(2, 520, '2026-05-10T12:00:00.000Z'),
      decided(3, 550, '2026-05-20T08:00:00.000Z'),
      decided(4, 570, '2026-05-31T23:59:59.999Z'),
      // Not counted: before and after the window, another model.
      decided(5, 480, '2026-04-30T23:59:59.999Z'),
      decided(6, 520, '2026-06-01T00:00:00.000Z'),
      decided(7, 520, '2026-05-15T00:00:00.000Z', 'scorecard-v1'),
    ]);
    await waitFor('the reference and the decisions', async () => {
      const [row] = await app.dataSource.query<{ refs: number; decisions: number }[]>(
        `SELECT (SELECT count(*) FROM model_references WHERE model_version = $1)::int AS refs,
                (SELECT count(*) FROM decisions WHERE application_id LIKE $2)::int AS decisions`,
        [modelVersion, `A-MS-${run}-%`],
      );
      return row?.refs === 1 && row.decisions === 7 ? true : undefined;
    });
    const response = await stability(`from=2026-05-01&to=2026-05-31&modelVersion=${modelVersion}`);
    expect(response.status).toBe(200);
    // Live shares 0.25, 0.25, 0.5 against 0.25, 0.5, 0.25:
    // (0.25 − 0.5)·ln(0.5) + (0.5 − 0.25)·ln(2) = 0.5·ln 2 = 0.346574 (6 places), shifted.
    expect(response.body).toEqual({
      modelVersion,
      from: '2026-05-01',
      to: '2026-05-31',
      reference: { population: 'the 100 training rows', scores: 100 },
      liveScores: 4,
      index: '0.346574',
      reading: 'shifted',
      scoreBins: [
        {
          from: null,
          below: 500,
          expected: 25,
          actual: 1,
          expectedShare: '0.250000',
          actualShare: '0.250000',
        },
        {
          from: 500,
          below: 550,
          expected: 50,
          actual: 1,
          expectedShare: '0.500000',
          actualShare: '0.250000',
        },
        {
          from: 550,
          below: null,
          expected: 25,
          actual: 2,
          expectedShare: '0.250000',
          actualShare: '0.500000',
        },
      ],
    });
  });

  it('answers CSV, one line per bin', async () => {
    const response = await fetch(
      `${app.baseUrl}/v1/portfolio/model-stability?from=2026-05-01&to=2026-05-31&modelVersion=${modelVersion}&format=csv`,
      { headers: { authorization: `Bearer ${TestApiKeys.operator}` } },
    );
    expect(response.headers.get('content-type')).toContain('text/csv');
    expect((await response.text()).split('\n')).toEqual([
      'model_version,from,to,bin_from,bin_below,expected,actual,expected_share,actual_share,psi,reading',
      `${modelVersion},2026-05-01,2026-05-31,,500,25,1,0.250000,0.250000,0.346574,shifted`,
      `${modelVersion},2026-05-01,2026-05-31,500,550,50,1,0.500000,0.250000,0.346574,shifted`,
      `${modelVersion},2026-05-01,2026-05-31,550,,25,2,0.250000,0.500000,0.346574,shifted`,
      '',
    ]);
  });

  it('refuses a window without a scored decision (422) and bad input (400 naming the field)', async () => {
    const empty = await stability(`from=2027-01-01&to=2027-01-31&modelVersion=${modelVersion}`);
    expect(empty.status).toBe(422);
    expect(JSON.stringify(empty.body)).toContain('MODEL.NO_LIVE_SCORES');
    for (const [query, field] of [
      ['from=2026-05-31&to=2026-05-01', 'to'],
      ['from=2026-13-01&to=2026-05-01', 'from'],
      ['from=2026-05-01&to=2026-05-31&modelVersion=gbm', 'modelVersion'],
      ['from=2026-05-01&to=2026-05-31&format=xml', 'format'],
      ['to=2026-05-31', 'from'],
    ] as const) {
      const response = await stability(query);
      expect({ query, status: response.status }).toEqual({ query, status: 400 });
      expect(JSON.stringify(response.body)).toContain(field);
    }
  });
});
