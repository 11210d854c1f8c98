import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Named operator and admin credentials, issued and revoked through the admin API: only the
 * SHA-256 of each secret is kept. The row is also the idempotency record of its issue.
 */
export class Credentials1766600000001 implements MigrationInterface {
  name = 'Credentials1766600000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE credentials (
        id              text        PRIMARY KEY CHECK (id ~ '^cred_[0-9a-f]{12}$'),
        holder          text        NOT NULL CHECK (holder ~ '^[A-Za-z0-9._@-]{1,100}$'),
        role            text        NOT NULL CHECK (role IN ('operator', 'admin')),
        secret_hash     text        NOT NULL UNIQUE CHECK (secret_hash ~ '^[0-9a-f]{64}$'),
        description     text        NOT NULL DEFAULT '',
        issued_at       timestamptz NOT NULL DEFAULT now(),
        issued_by       text        NOT NULL,
        revoked_at      timestamptz,
        revoked_by      text,
        idempotency_key text        NOT NULL UNIQUE,
        request_hash    text        NOT NULL,
        CHECK ((revoked_at IS NULL) = (revoked_by IS NULL))
      )`);
    await queryRunner.query(`CREATE INDEX credentials_issued_at ON credentials (issued_at DESC)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE credentials`);
  }
}
