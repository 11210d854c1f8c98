import type { EntityManager } from 'typeorm';

/** The scorecards the service has booted with (`model_deployments`). */
export class ModelDeploymentStore {
  /** Records a deployment; true when it is new (this transaction inserted it). */
  async record(
    manager: EntityManager,
    modelVersion: string,
    trainedOnSha256: string,
  ): Promise<boolean> {
    const inserted = await manager.query<unknown[]>(
      `INSERT INTO model_deployments (model_version, trained_on_sha256) VALUES ($1, $2)
       ON CONFLICT DO NOTHING RETURNING model_version`,
      [modelVersion, trainedOnSha256],
    );
    return inserted.length === 1;
  }
}
