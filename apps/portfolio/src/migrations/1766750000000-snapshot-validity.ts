import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each snapshot says until when it is the loan's latest: `valid_until` is the date of the loan's
 * next snapshot ('infinity' while there is none), kept by the handler whatever order snapshots
 * arrive in. "The book on D" is then the rows with as_of ≤ D < valid_until — an index range on
 * valid_until instead of sorting every snapshot up to D to find each loan's latest.
 */
export class SnapshotValidity1766750000000 implements MigrationInterface {
  name = 'SnapshotValidity1766750000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE loan_snapshots ADD COLUMN valid_until date NOT NULL DEFAULT 'infinity'`,
    );
    await queryRunner.query(`
      UPDATE loan_snapshots s SET valid_until = n.next_as_of
        FROM (SELECT loan_id, as_of, lead(as_of) OVER (PARTITION BY loan_id ORDER BY as_of) AS next_as_of
                FROM loan_snapshots) n
       WHERE n.loan_id = s.loan_id AND n.as_of = s.as_of AND n.next_as_of IS NOT NULL`);
    await queryRunner.query(
      `ALTER TABLE loan_snapshots ADD CONSTRAINT loan_snapshots_validity CHECK (valid_until > as_of)`,
    );
    await queryRunner.query(
      `CREATE INDEX loan_snapshots_valid_until_idx ON loan_snapshots (valid_until, as_of)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX loan_snapshots_valid_until_idx`);
    await queryRunner.query(`ALTER TABLE loan_snapshots DROP COLUMN valid_until`);
  }
}
