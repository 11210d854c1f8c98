import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { ModelDeployedV1, type ModelDeployedV1Payload } from '@credit/contracts';
import { OutboxWriter } from '@credit/messaging';
import { LOGGER } from '@credit/platform';
import type { Scorecard } from '@credit/scorecard';
import { ModelDeploymentStore } from '../infrastructure/model-deployment-store';
import { SCORECARD } from '../infrastructure/scorecard-artifact';

/** What `model.deployed` says of a scorecard: its version, training file and training scores. */
export function modelDeployedPayload(card: Scorecard): ModelDeployedV1Payload {
  const { population, edges, counts } = card.referenceScores;
  return {
    modelVersion: card.modelVersion,
    trainedOnSha256: card.trainedOn.sha256,
    referenceScores: { population, edges: [...edges], counts: [...counts] },
  };
}

/**
 * At boot, announces the scorecard the service decides with: the first instance to boot with a
 * model (version and training file) records it and appends `model.deployed` in one transaction;
 * every later boot finds the row and appends nothing. The event's id is derived from the model,
 * so even a lost row (a rebuilt database) publishes the same id again, which consumers drop.
 */
@Injectable()
export class ModelDeploymentService implements OnApplicationBootstrap {
  private readonly store = new ModelDeploymentStore();

  constructor(
    @Inject(SCORECARD) private readonly card: Scorecard,
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxWriter,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const payload = modelDeployedPayload(this.card);
    const announced = await this.dataSource.transaction(async (manager) => {
      if (!(await this.store.record(manager, payload.modelVersion, payload.trainedOnSha256)))
        return false;
      await this.outbox.append(manager, {
        definition: ModelDeployedV1,
        key: payload.modelVersion,
        payload,
        cause: {
          source: 'model-deployment',
          id: `${payload.modelVersion}/${payload.trainedOnSha256}`,
        },
      });
      return true;
    });
    if (announced)
      this.logger.info({ modelVersion: payload.modelVersion }, 'model.deployed announced');
  }
}
