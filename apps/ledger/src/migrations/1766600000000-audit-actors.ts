import type { MigrationInterface, QueryRunner } from 'typeorm';
import { addActorColumn } from '@credit/platform';

/**
 * Who did each write (issue 15's audit trail): the actor (`role:holder:credentialId`, or
 * `system:ledger` for the ledger's own consumers and tasks) on the row the write creates —
 * journal entries (manual entries, reversals, hold postings, event postings), accounts and holds —
 * and on a hold, who resolved it (post, void, or the expiry task).
 *
 * The journal's `actor` is outside the hash chain's content (canonicalContent names its fields),
 * so adding it changes no link and `journal verify` still holds. Rows written before this
 * migration record `unknown` and every new row must name its actor (addActorColumn, which fires
 * none of the journal's append-only triggers).
 */
export class AuditActors1766600000000 implements MigrationInterface {
  name = 'AuditActors1766600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await addActorColumn(queryRunner, 'journal_entries', 'actor');
    await addActorColumn(queryRunner, 'accounts', 'created_by');
    await addActorColumn(queryRunner, 'holds', 'actor');
    // A resolved hold names who resolved it; holds resolved before this migration record `unknown`.
    await queryRunner.query(`ALTER TABLE holds ADD COLUMN resolved_by text`);
    await queryRunner.query(
      `UPDATE holds SET resolved_by = 'unknown' WHERE status <> 'pending' AND resolved_by IS NULL`,
    );
    await queryRunner.query(
      `ALTER TABLE holds ADD CONSTRAINT holds_resolved_by_present
         CHECK ((status = 'pending') = (resolved_by IS NULL))`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE holds DROP CONSTRAINT holds_resolved_by_present, DROP COLUMN resolved_by, DROP COLUMN actor`,
    );
    await queryRunner.query(`ALTER TABLE accounts DROP COLUMN created_by`);
    await queryRunner.query(`ALTER TABLE journal_entries DROP COLUMN actor`);
  }
}
