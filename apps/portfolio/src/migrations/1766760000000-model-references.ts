import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each scorecard the scoring service announced (`model.deployed`): its training sample's scores
 * binned, the reference live scores are compared with (population stability). A model retrained
 * on another file under the same version is another row; the latest received is the reference.
 */
export class ModelReferences1766760000000 implements MigrationInterface {
  name = 'ModelReferences1766760000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE model_references (
        model_version     text        NOT NULL,
        trained_on_sha256 text        NOT NULL,
        population        text        NOT NULL,
        edges             integer[]   NOT NULL,
        counts            integer[]   NOT NULL CHECK (cardinality(counts) = cardinality(edges) + 1),
        received_at       timestamptz NOT NULL DEFAULT clock_timestamp(),
        PRIMARY KEY (model_version, trained_on_sha256)
      )`);
    await queryRunner.query(
      `CREATE INDEX decisions_model_decided_idx ON decisions (model_version, decided_at)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX decisions_model_decided_idx`);
    await queryRunner.query(`DROP TABLE model_references`);
  }
}
