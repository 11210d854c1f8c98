import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Who closed each business date (issue 15's audit trail): the operator's actor
 * (`role:holder:credentialId`) for a close asked for over HTTP, `system:repayment` for the
 * scheduled close. Dates closed before this migration record `unknown`; the default is dropped at
 * once, so every new close must name its actor.
 */
export class BusinessDayActor1766600000000 implements MigrationInterface {
  name = 'BusinessDayActor1766600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE business_days ADD COLUMN actor text NOT NULL DEFAULT 'unknown'`,
    );
    await queryRunner.query(`ALTER TABLE business_days ALTER COLUMN actor DROP DEFAULT`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE business_days DROP COLUMN actor`);
  }
}
