import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The outbox (events waiting to be published, committed with the state change that produced them)
 * and the inbox (event ids a handler has applied, committed with the handler's effects).
 * Every service lists this migration first in its own migration set.
 */
export class CreateMessagingTables1764000000000 implements MigrationInterface {
  name = 'CreateMessagingTables1764000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE outbox (
        seq              bigserial PRIMARY KEY,
        event_id         uuid        NOT NULL UNIQUE,
        event_type       text        NOT NULL,
        topic            text        NOT NULL,
        message_key      text        NOT NULL,
        envelope         jsonb       NOT NULL,
        created_at       timestamptz NOT NULL DEFAULT now(),
        published_at     timestamptz,
        publish_attempts integer     NOT NULL DEFAULT 0,
        last_error       text
      )`);
    await queryRunner.query(
      `CREATE INDEX outbox_pending_idx ON outbox (seq) WHERE published_at IS NULL`,
    );
    await queryRunner.query(`
      CREATE TABLE inbox (
        handler      text        NOT NULL,
        event_id     uuid        NOT NULL,
        event_type   text        NOT NULL,
        topic        text        NOT NULL,
        partition    integer     NOT NULL,
        "offset"     bigint      NOT NULL,
        processed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (handler, event_id)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE inbox`);
    await queryRunner.query(`DROP TABLE outbox`);
  }
}
