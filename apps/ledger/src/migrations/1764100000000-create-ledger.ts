import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Accounts, balances, the journal (entries and lines, immutable and balanced per currency by the
 * database itself), holds and the hash chain.
 */
export class CreateLedger1764100000000 implements MigrationInterface {
  name = 'CreateLedger1764100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE accounts (
        id                 text PRIMARY KEY,
        name               text        NOT NULL,
        type               text        NOT NULL CHECK (type IN ('asset','liability','equity','income','expense')),
        normal_side        text        NOT NULL CHECK (normal_side IN ('debit','credit')),
        currency           char(3)     NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
        min_balance        numeric,
        max_balance        numeric,
        allows_subaccounts boolean     NOT NULL DEFAULT false,
        parent_id          text        REFERENCES accounts (id),
        created_at         timestamptz NOT NULL DEFAULT now(),
        CHECK (id ~ '^[a-z][a-z0-9-]*(:[A-Za-z0-9._-]+){1,7}$'),
        CHECK (min_balance IS NULL OR max_balance IS NULL OR min_balance <= max_balance)
      )`);

    // One row per account and currency; posted and pending sums, read in O(1).
    await queryRunner.query(`
      CREATE TABLE balances (
        account_id      text    NOT NULL REFERENCES accounts (id),
        currency        char(3) NOT NULL,
        posted_debits   numeric NOT NULL DEFAULT 0 CHECK (posted_debits >= 0),
        posted_credits  numeric NOT NULL DEFAULT 0 CHECK (posted_credits >= 0),
        pending_debits  numeric NOT NULL DEFAULT 0 CHECK (pending_debits >= 0),
        pending_credits numeric NOT NULL DEFAULT 0 CHECK (pending_credits >= 0),
        line_count      bigint  NOT NULL DEFAULT 0,
        updated_at      timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (account_id, currency)
      )`);

    await queryRunner.query(`
      CREATE TABLE journal_entries (
        id                 uuid PRIMARY KEY,
        seq                bigserial   NOT NULL UNIQUE,
        idempotency_key    text        NOT NULL UNIQUE,
        request_hash       text        NOT NULL,
        effective_at       timestamptz NOT NULL,
        posted_at          timestamptz NOT NULL,
        description        text        NOT NULL CHECK (length(description) BETWEEN 1 AND 500),
        metadata           jsonb       NOT NULL DEFAULT '{}'::jsonb,
        source_event_id    uuid        UNIQUE,
        source_event_type  text,
        rule               text,
        reverses_entry_id  uuid        UNIQUE REFERENCES journal_entries (id),
        hold_id            uuid
      )`);
    await queryRunner.query(
      `CREATE INDEX journal_entries_posted_at_idx ON journal_entries (posted_at)`,
    );

    await queryRunner.query(`
      CREATE TABLE journal_lines (
        entry_id       uuid        NOT NULL REFERENCES journal_entries (id),
        line_no        smallint    NOT NULL CHECK (line_no >= 1),
        account_id     text        NOT NULL REFERENCES accounts (id),
        side           text        NOT NULL CHECK (side IN ('debit','credit')),
        amount         numeric     NOT NULL CHECK (amount > 0),
        currency       char(3)     NOT NULL,
        entry_seq      bigint      NOT NULL,
        posted_at      timestamptz NOT NULL,
        -- The account's posted balance (debit positive) after this line: statements and
        -- balance-as-of read one row instead of summing history.
        balance_after  numeric     NOT NULL,
        PRIMARY KEY (entry_id, line_no)
      )`);
    await queryRunner.query(
      `CREATE INDEX journal_lines_account_idx ON journal_lines (account_id, currency, entry_seq, line_no)`,
    );
    await queryRunner.query(
      `CREATE INDEX journal_lines_account_time_idx
         ON journal_lines (account_id, currency, posted_at, entry_seq, line_no)`,
    );

    // Two-phase transfers: reserve (pending) → post in full or in part, or void / expire.
    await queryRunner.query(`
      CREATE TABLE holds (
        id               uuid PRIMARY KEY,
        idempotency_key  text        NOT NULL UNIQUE,
        request_hash     text        NOT NULL,
        debit_account    text        NOT NULL REFERENCES accounts (id),
        credit_account   text        NOT NULL REFERENCES accounts (id),
        amount           numeric     NOT NULL CHECK (amount > 0),
        currency         char(3)     NOT NULL,
        status           text        NOT NULL CHECK (status IN ('pending','posted','voided','expired')),
        posted_amount    numeric     CHECK (posted_amount > 0),
        posted_entry_id  uuid        REFERENCES journal_entries (id),
        description      text        NOT NULL,
        metadata         jsonb       NOT NULL DEFAULT '{}'::jsonb,
        expires_at       timestamptz,
        created_at       timestamptz NOT NULL DEFAULT now(),
        resolved_at      timestamptz,
        resolution_key   text        UNIQUE,
        resolution_hash  text
      )`);
    await queryRunner.query(
      `CREATE INDEX holds_expiry_idx ON holds (expires_at) WHERE status = 'pending'`,
    );

    // Tamper evidence: each link hashes its entry's content and the previous link's hash.
    await queryRunner.query(`
      CREATE TABLE journal_chain (
        position   bigint PRIMARY KEY,
        entry_id   uuid        NOT NULL UNIQUE REFERENCES journal_entries (id),
        prev_hash  text        NOT NULL,
        hash       text        NOT NULL,
        chained_at timestamptz NOT NULL DEFAULT now()
      )`);

    // --- The database enforces what the code promises --------------------------------------
    await queryRunner.query(`
      CREATE FUNCTION ledger_reject_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'ledger: % on % is not allowed: the journal is append-only (post a reversal instead)',
          TG_OP, TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
      END $$`);
    for (const table of ['journal_entries', 'journal_lines', 'journal_chain']) {
      await queryRunner.query(
        `CREATE TRIGGER ${table}_immutable BEFORE UPDATE OR DELETE ON ${table}
           FOR EACH ROW EXECUTE FUNCTION ledger_reject_change()`,
      );
      await queryRunner.query(
        `CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table}
           FOR EACH STATEMENT EXECUTE FUNCTION ledger_reject_change()`,
      );
      // ENABLE ALWAYS: the triggers fire even with session_replication_role = replica.
      await queryRunner.query(`ALTER TABLE ${table} ENABLE ALWAYS TRIGGER ${table}_immutable`);
      await queryRunner.query(`ALTER TABLE ${table} ENABLE ALWAYS TRIGGER ${table}_no_truncate`);
      await queryRunner.query(`REVOKE UPDATE, DELETE, TRUNCATE ON ${table} FROM PUBLIC`);
    }

    // At commit, every entry created in the transaction has at least two lines and balances
    // per currency: a raw INSERT cannot commit an unbalanced entry.
    await queryRunner.query(`
      CREATE FUNCTION ledger_check_entry_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        line_total integer;
        off record;
      BEGIN
        SELECT count(*) INTO line_total FROM journal_lines WHERE entry_id = NEW.id;
        IF line_total < 2 THEN
          RAISE EXCEPTION 'ledger: entry % has % line(s); an entry needs at least two', NEW.id, line_total
            USING ERRCODE = 'check_violation';
        END IF;
        SELECT currency, sum(CASE side WHEN 'debit' THEN amount ELSE -amount END) AS net INTO off
          FROM journal_lines WHERE entry_id = NEW.id
         GROUP BY currency
        HAVING sum(CASE side WHEN 'debit' THEN amount ELSE -amount END) <> 0
         LIMIT 1;
        IF FOUND THEN
          RAISE EXCEPTION 'ledger: entry % is unbalanced in %: debits - credits = %', NEW.id, off.currency, off.net
            USING ERRCODE = 'check_violation';
        END IF;
        RETURN NULL;
      END $$`);
    await queryRunner.query(`
      CREATE CONSTRAINT TRIGGER journal_entries_balanced AFTER INSERT ON journal_entries
        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_check_entry_balanced()`);
    await queryRunner.query(
      `ALTER TABLE journal_entries ENABLE ALWAYS TRIGGER journal_entries_balanced`,
    );

    // Lines may only be added to an entry created in the same transaction: a committed entry
    // cannot gain lines later, balanced or not.
    await queryRunner.query(`
      CREATE FUNCTION ledger_check_lines_join_new_entries() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        stray uuid;
      BEGIN
        SELECT l.entry_id INTO stray
          FROM new_lines l JOIN journal_entries e ON e.id = l.entry_id
         WHERE e.xmin <> pg_current_xact_id()::xid
         LIMIT 1;
        IF FOUND THEN
          RAISE EXCEPTION 'ledger: entry % is already committed; lines cannot be added to it', stray
            USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NULL;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER journal_lines_only_new_entries AFTER INSERT ON journal_lines
        REFERENCING NEW TABLE AS new_lines
        FOR EACH STATEMENT EXECUTE FUNCTION ledger_check_lines_join_new_entries()`);
    await queryRunner.query(
      `ALTER TABLE journal_lines ENABLE ALWAYS TRIGGER journal_lines_only_new_entries`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `DROP TABLE journal_chain, holds, journal_lines, journal_entries, balances, accounts`,
    );
    await queryRunner.query(`DROP FUNCTION ledger_check_lines_join_new_entries()`);
    await queryRunner.query(`DROP FUNCTION ledger_check_entry_balanced()`);
    await queryRunner.query(`DROP FUNCTION ledger_reject_change()`);
  }
}
