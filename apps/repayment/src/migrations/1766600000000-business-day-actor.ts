import type { MigrationInterface, QueryRunner } from 'typeorm';
import { addActorColumn } from '@credit/platform';

/**
 * Who closed each business date (issue 15's audit trail): the operator's actor
 * (`role:holder:credentialId`) for a close asked for over HTTP, `system:repayment` for the
 * scheduled close. Dates closed before this migration record `unknown`; every new close must name
 * its actor (addActorColumn).
 */
export class BusinessDayActor1766600000000 implements MigrationInterface {
  name = 'BusinessDayActor1766600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await addActorColumn(queryRunner, 'business_days', 'actor');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE business_days DROP COLUMN actor`);
  }
}
