import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Least privilege on the journal (the tables ledger_reject_change keeps append-only): only their
 * owner, the migrations' role, keeps UPDATE, DELETE, TRUNCATE and TRIGGER on entries, lines and
 * chain; every other role, the service's runtime role included, may only read and insert. The
 * triggers refuse changes even to the owner; the runtime role is now refused before them
 * (permission denied) and, owning nothing, can neither disable nor drop a trigger. The privileges
 * are taken from every grantee, however granted (default privileges, by hand), so the migration
 * names no role.
 */
export class LeastPrivilegeJournal1766500000000 implements MigrationInterface {
  name = 'LeastPrivilegeJournal1766500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DO $$
      DECLARE
        grant_row record;
      BEGIN
        FOR grant_row IN
          SELECT DISTINCT c.oid::regclass AS name,
                 CASE WHEN acl.grantee = 0 THEN 'PUBLIC'
                      ELSE quote_ident(pg_get_userbyid(acl.grantee)) END AS grantee
            FROM pg_class c, aclexplode(c.relacl) acl
           WHERE c.oid = ANY (ARRAY['journal_entries', 'journal_lines', 'journal_chain']::regclass[])
             AND acl.grantee <> c.relowner
        LOOP
          EXECUTE format('REVOKE UPDATE, DELETE, TRUNCATE, TRIGGER ON %s FROM %s',
                         grant_row.name, grant_row.grantee);
        END LOOP;
      END $$`);
  }

  /** Nothing to give back: the runtime role never needed these privileges. */
  async down(): Promise<void> {}
}
