import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Record headers captured when an event is appended, sent with it by the relay: the W3C trace
 * context of the work that produced it (`traceparent`, `tracestate`), so the consumer's span is a
 * child of the producer's however long the row waited. Null when tracing was off. Every service
 * lists this migration after the admin tables.
 */
export class AddOutboxHeaders1764900000001 implements MigrationInterface {
  name = 'AddOutboxHeaders1764900000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE outbox ADD COLUMN headers jsonb`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE outbox DROP COLUMN headers`);
  }
}
