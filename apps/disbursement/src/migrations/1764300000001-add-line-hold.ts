import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The ledger hold that reserves a draw's amount on its credit line while it is paid out. */
export class AddLineHold1764300000001 implements MigrationInterface {
  name = 'AddLineHold1764300000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE disbursements ADD COLUMN line_hold_id uuid`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE disbursements DROP COLUMN line_hold_id`);
  }
}
