import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The daily reconciliation's reports: one row per run, the latest per business date is current. */
export class ReconciliationRuns1764100000003 implements MigrationInterface {
  name = 'ReconciliationRuns1764100000003';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE reconciliation_runs (
        id            bigserial PRIMARY KEY,
        business_date date        NOT NULL,
        ran_at        timestamptz NOT NULL DEFAULT now(),
        ok            boolean     NOT NULL,
        breaks        integer     NOT NULL,
        report        jsonb       NOT NULL
      )`);
    await queryRunner.query(
      `CREATE INDEX reconciliation_runs_date_idx ON reconciliation_runs (business_date, id)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE reconciliation_runs`);
  }
}
