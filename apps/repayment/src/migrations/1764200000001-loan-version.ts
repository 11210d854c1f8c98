import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every change of a loan bumps its version and records the loan's state on the changelog topic
 * (loan.state-recorded); the version lets a rebuild keep only the newest state of each loan.
 */
export class LoanVersion1764200000001 implements MigrationInterface {
  name = 'LoanVersion1764200000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE loans ADD COLUMN version integer NOT NULL DEFAULT 1 CHECK (version >= 1)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE loans DROP COLUMN version`);
  }
}
