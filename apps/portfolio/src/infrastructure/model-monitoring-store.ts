import type { EntityManager } from 'typeorm';
import type { ModelDeployedV1Payload } from '@credit/contracts';

/** A scorecard's training scores, binned (see `model_references`). */
export interface ModelReference {
  readonly modelVersion: string;
  readonly trainedOnSha256: string;
  readonly population: string;
  readonly edges: readonly number[];
  readonly counts: readonly number[];
}

/** The model references and the live scores counted into their bins. */
export class ModelMonitoringStore {
  static async recordReference(
    manager: EntityManager,
    deployed: ModelDeployedV1Payload,
  ): Promise<void> {
    await manager.query(
      `INSERT INTO model_references (model_version, trained_on_sha256, population, edges, counts)
       VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
      [
        deployed.modelVersion,
        deployed.trainedOnSha256,
        deployed.referenceScores.population,
        deployed.referenceScores.edges,
        deployed.referenceScores.counts,
      ],
    );
  }

  /** The reference of `modelVersion` (the latest received), or of the latest model announced. */
  static async reference(
    manager: EntityManager,
    modelVersion: string | undefined,
  ): Promise<ModelReference | null> {
    const [row] = await manager.query<
      {
        model_version: string;
        trained_on_sha256: string;
        population: string;
        edges: number[];
        counts: number[];
      }[]
    >(
      `SELECT model_version, trained_on_sha256, population, edges, counts FROM model_references
        WHERE $1::text IS NULL OR model_version = $1
        ORDER BY received_at DESC, model_version DESC LIMIT 1`,
      [modelVersion ?? null],
    );
    return row
      ? {
          modelVersion: row.model_version,
          trainedOnSha256: row.trained_on_sha256,
          population: row.population,
          edges: row.edges,
          counts: row.counts,
        }
      : null;
  }

  /**
   * The scores of the decisions `modelVersion` made from `from` to `to` (business dates, both
   * included, in UTC), counted into the reference's bins in SQL: width_bucket gives the number of
   * edges at or below a score, which is its bin. Decisions without a score are not counted.
   */
  static async liveCounts(
    manager: EntityManager,
    reference: ModelReference,
    from: string,
    to: string,
  ): Promise<number[]> {
    const rows = await manager.query<{ bin: number; decisions: number }[]>(
      `SELECT width_bucket(score, $2::int[]) AS bin, count(*)::int AS decisions
         FROM decisions
        WHERE model_version = $1 AND score IS NOT NULL
          AND decided_at >= $3::date AT TIME ZONE 'UTC'
          AND decided_at < ($4::date + 1) AT TIME ZONE 'UTC'
        GROUP BY 1`,
      [reference.modelVersion, reference.edges, from, to],
    );
    const counts = new Array<number>(reference.edges.length + 1).fill(0);
    for (const row of rows) counts[row.bin] = row.decisions;
    return counts;
  }
}
