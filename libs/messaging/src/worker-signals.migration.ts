import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The channel an outbox insert notifies when its transaction commits: the relays wake on it. */
export const OutboxNotifyChannel = 'outbox_appended';

/**
 * Several instances per service: an insert into the outbox notifies `outbox_appended` on commit
 * (a statement-level trigger: one NOTIFY per statement, folded into one per transaction by
 * PostgreSQL, no extra round trip), so the relay of every instance wakes on the commit; running
 * admin actions get an owner instance and a lease it renews, so a booting instance only fails the
 * actions whose owner stopped renewing. Every service lists this migration after the admin tables.
 */
export class AddWorkerSignals1765200000000 implements MigrationInterface {
  name = 'AddWorkerSignals1765200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('${OutboxNotifyChannel}', '');
        RETURN NULL;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER outbox_notify AFTER INSERT ON outbox
        FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify()`);
    await queryRunner.query(`
      ALTER TABLE admin_actions
        ADD COLUMN owner_instance text,
        ADD COLUMN lease_until    timestamptz`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE admin_actions DROP COLUMN owner_instance, DROP COLUMN lease_until`,
    );
    await queryRunner.query(`DROP TRIGGER outbox_notify ON outbox`);
    await queryRunner.query(`DROP FUNCTION outbox_notify()`);
  }
}
