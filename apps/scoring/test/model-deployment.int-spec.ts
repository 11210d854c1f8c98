import { ModelDeployedV1 } from '@credit/contracts';
import { OutboxWriter } from '@credit/messaging';
import { type TestApp, startTestApp } from '@credit/platform';
import { waitFor } from '@credit/testing';
import { ScoringModule } from '../src/app.module';
import { scoringEnvSchema } from '../src/config/env';
import { loadScorecardArtifact } from '../src/infrastructure/scorecard-artifact';

// model.deployed: the scorecard announced once, with its training scores, however often it boots.
describe('scoring: the model it decides with is announced once', () => {
  const card = loadScorecardArtifact();
  const boot = () =>
    startTestApp({
      service: 'scoring',
      database: 'credit_test_scoring',
      envSchema: scoringEnvSchema,
      module: (config, logger) => ScoringModule.register(config, logger),
    });
  const announcements = async (app: TestApp) =>
    app.dataSource.query<
      { event_id: string; published: boolean; envelope: { payload: unknown } }[]
    >(
      `SELECT event_id, published_at IS NOT NULL AS published, envelope FROM outbox
        WHERE event_type = $1 AND message_key = $2`,
      [ModelDeployedV1.type, card.modelVersion],
    );

  it('appends model.deployed at the first boot, published, and nothing at the next', async () => {
    const first = await boot();
    let rows: Awaited<ReturnType<typeof announcements>> = [];
    try {
      rows = await waitFor('model.deployed published', async () => {
        const found = await announcements(first);
        return found.length === 1 && found[0]?.published ? found : undefined;
      });
    } finally {
      await first.close();
    }
    const [row] = rows;
    expect(row?.envelope.payload).toEqual({
      modelVersion: card.modelVersion,
      trainedOnSha256: card.trainedOn.sha256,
      referenceScores: {
        population: card.referenceScores.population,
        edges: card.referenceScores.edges,
        counts: card.referenceScores.counts,
      },
    });
    // Derived from the model: a rebuilt database announces the same id, which consumers drop.
    expect(row?.event_id).toBe(
      new OutboxWriter('scoring').causedEventId(
        {
          source: 'model-deployment',
          id: `${card.modelVersion}/${card.trainedOn.sha256}`,
        },
        ModelDeployedV1.type,
        card.modelVersion,
      ),
    );

    const second = await boot();
    try {
      expect((await announcements(second)).map((r) => r.event_id)).toEqual([row?.event_id]);
    } finally {
      await second.close();
    }
  });
});
