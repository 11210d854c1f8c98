import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Personal-data rights (PIPL).
 *
 * - Consent: each application records the purposes consented to, the version of the consent text
 *   and when (null on applications from before consent was asked).
 * - Data keys: one per application, owned by its customer, wrapped by a master key (its id in
 *   `kek_id`); the fields are sealed with it (`v2:…`). Destroying the row erases the fields.
 *   Never in an event: the log could not forget it.
 * - Erasures: one row per application whose personal data was erased, and why; a rebuild or a
 *   restore re-applies them from the changelog (application.personal-data-erased).
 * - Rotations: the progress of the re-encryption under the active master key (resumable).
 */
export class PersonalDataRights1765500000000 implements MigrationInterface {
  name = 'PersonalDataRights1765500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE applications
        ADD COLUMN consent_purposes     jsonb,
        ADD COLUMN consent_text_version text,
        ADD COLUMN consented_at         timestamptz,
        ADD CONSTRAINT applications_consent_whole CHECK (
          (consent_purposes IS NULL) = (consent_text_version IS NULL)
          AND (consent_purposes IS NULL) = (consented_at IS NULL))`);
    for (const column of ['name_encrypted', 'national_id_encrypted', 'phone_encrypted']) {
      await queryRunner.query(
        `ALTER TABLE applications DROP CONSTRAINT applications_${column}_check,
           ADD CONSTRAINT applications_${column}_sealed
             CHECK (${column} LIKE 'v1:%' OR ${column} LIKE 'v2:%' OR ${column} = 'erased')`,
      );
    }
    await queryRunner.query(`
      CREATE TABLE application_data_keys (
        application_id uuid        PRIMARY KEY,
        customer_id    text        NOT NULL,
        kek_id         text        NOT NULL,
        wrapped_key    text        NOT NULL CHECK (wrapped_key LIKE 'v1:%'),
        created_at     timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(
      `CREATE INDEX application_data_keys_customer_idx ON application_data_keys (customer_id)`,
    );
    await queryRunner.query(`
      CREATE TABLE personal_data_erasures (
        application_id uuid        PRIMARY KEY,
        customer_id    text        NOT NULL,
        erasure_id     uuid        NOT NULL,
        reason         text        NOT NULL CHECK (reason IN ('customer-request', 'retention')),
        actor          text        NOT NULL,
        erased_at      timestamptz NOT NULL
      )`);
    await queryRunner.query(
      `CREATE INDEX personal_data_erasures_customer_idx ON personal_data_erasures (customer_id)`,
    );
    await queryRunner.query(
      `CREATE INDEX applications_declined_idx ON applications (decided_at) WHERE status = 'declined'`,
    );
    await queryRunner.query(`
      CREATE TABLE pii_rotations (
        id            uuid        PRIMARY KEY,
        active_key_id text        NOT NULL,
        cursor        uuid,
        total         integer     NOT NULL,
        done          integer     NOT NULL DEFAULT 0,
        rewrapped     integer     NOT NULL DEFAULT 0,
        resealed      integer     NOT NULL DEFAULT 0,
        skipped       integer     NOT NULL DEFAULT 0,
        status        text        NOT NULL CHECK (status IN ('running', 'finished')),
        started_by    text        NOT NULL,
        started_at    timestamptz NOT NULL DEFAULT now(),
        updated_at    timestamptz NOT NULL DEFAULT now(),
        finished_at   timestamptz
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX pii_rotations_one_running ON pii_rotations ((true)) WHERE status = 'running'`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `DROP TABLE pii_rotations, personal_data_erasures, application_data_keys`,
    );
    await queryRunner.query(`DROP INDEX applications_declined_idx`);
    await queryRunner.query(
      `ALTER TABLE applications DROP CONSTRAINT applications_consent_whole,
         DROP COLUMN consent_purposes, DROP COLUMN consent_text_version, DROP COLUMN consented_at`,
    );
  }
}
