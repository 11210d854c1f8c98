import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The deferred check that every new entry has at least two lines and balances per currency runs
 * once per entry at commit; it now reads the entry's lines with one query instead of two (the
 * same rule, the same errors), which halves its cost on the posting path.
 */
export class OneQueryBalanceCheck1764110000000 implements MigrationInterface {
  name = 'OneQueryBalanceCheck1764110000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE OR REPLACE FUNCTION ledger_check_entry_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        line_total integer;
        off_currency char(3);
        off_net numeric;
      BEGIN
        SELECT coalesce(sum(per_currency.lines), 0)::integer,
               min(per_currency.currency) FILTER (WHERE per_currency.net <> 0)
          INTO line_total, off_currency
          FROM (SELECT currency, count(*) AS lines,
                       sum(CASE side WHEN 'debit' THEN amount ELSE -amount END) AS net
                  FROM journal_lines WHERE entry_id = NEW.id
                 GROUP BY currency) AS per_currency;
        IF line_total < 2 THEN
          RAISE EXCEPTION 'ledger: entry % has % line(s); an entry needs at least two', NEW.id, line_total
            USING ERRCODE = 'check_violation';
        END IF;
        IF off_currency IS NOT NULL THEN
          SELECT sum(CASE side WHEN 'debit' THEN amount ELSE -amount END) INTO off_net
            FROM journal_lines WHERE entry_id = NEW.id AND currency = off_currency;
          RAISE EXCEPTION 'ledger: entry % is unbalanced in %: debits - credits = %', NEW.id, off_currency, off_net
            USING ERRCODE = 'check_violation';
        END IF;
        RETURN NULL;
      END $$`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE OR REPLACE FUNCTION ledger_check_entry_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
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
  }
}
