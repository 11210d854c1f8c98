import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each scorecard the service has decided with (its version and the training file's hash), and
 * when it first booted with it: `model.deployed` is published once per row, in the transaction
 * that inserts it, however many instances boot and however often.
 */
export class ModelDeployments1766760000000 implements MigrationInterface {
  name = 'ModelDeployments1766760000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE model_deployments (
        model_version     text        NOT NULL,
        trained_on_sha256 text        NOT NULL,
        deployed_at       timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (model_version, trained_on_sha256)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE model_deployments`);
  }
}
