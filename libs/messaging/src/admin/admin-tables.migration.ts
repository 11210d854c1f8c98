import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What admins did to this service (replays, dead-letter re-drives and discards, balance rebuilds),
 * kept forever, and how each dead letter was resolved. Every service lists this migration after
 * the messaging tables.
 */
export class CreateAdminTables1764900000000 implements MigrationInterface {
  name = 'CreateAdminTables1764900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE admin_actions (
        id              uuid PRIMARY KEY,
        idempotency_key text        NOT NULL UNIQUE,
        request_hash    text        NOT NULL,
        actor           text        NOT NULL,
        action          text        NOT NULL,
        selection       jsonb       NOT NULL,
        dry_run         boolean     NOT NULL,
        status          text        NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'cancelled')),
        progress        jsonb,
        result          jsonb,
        error           text,
        started_at      timestamptz NOT NULL DEFAULT now(),
        finished_at     timestamptz
      )`);
    await queryRunner.query(
      `CREATE INDEX admin_actions_started_idx ON admin_actions (started_at DESC)`,
    );
    await queryRunner.query(`
      CREATE TABLE dead_letter_resolutions (
        dlq_topic   text        NOT NULL,
        partition   integer     NOT NULL,
        "offset"    bigint      NOT NULL,
        resolution  text        NOT NULL CHECK (resolution IN ('redriven', 'discarded')),
        reason      text,
        action_id   uuid        NOT NULL REFERENCES admin_actions (id),
        resolved_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (dlq_topic, partition, "offset")
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE dead_letter_resolutions`);
    await queryRunner.query(`DROP TABLE admin_actions`);
  }
}
