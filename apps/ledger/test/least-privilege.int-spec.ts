import { Client } from 'pg';
import { waitFor } from '@credit/testing';
import { type LedgerHarness, startLedger } from './harness';

/**
 * The ledger runs as credit_ledger_app: it posts entries through its normal path, and the
 * database refuses it every way of changing or removing journal rows, and of switching off the
 * triggers that guard them, before any trigger has to.
 */
describe('the ledger runtime role (least privilege)', () => {
  let ledger: LedgerHarness;
  let runtime: Client;

  beforeAll(async () => {
    ledger = await startLedger('credit_test_ledger_privilege');
    runtime = new Client({ connectionString: ledger.database.url });
    await runtime.connect();
  });

  afterAll(async () => {
    await runtime?.end();
    await ledger?.close();
  });

  it('is the role the service connects as: a login role, no superuser, owning nothing', async () => {
    const [me] = (
      await runtime.query<{
        user: string;
        rolsuper: boolean;
        rolcreatedb: boolean;
        rolcreaterole: boolean;
        owned: number;
      }>(
        `SELECT current_user AS user, r.rolsuper, r.rolcreatedb, r.rolcreaterole,
                (SELECT count(*)::int FROM pg_class c WHERE c.relowner = r.oid) AS owned
           FROM pg_roles r WHERE r.rolname = current_user`,
      )
    ).rows;
    expect(me).toEqual({
      user: 'credit_ledger_app',
      rolsuper: false,
      rolcreatedb: false,
      rolcreaterole: false,
      owned: 0,
    });
    const sessions = await ledger.asSuperuser(
      async (client) =>
        (
          await client.query<{ usename: string }>(
            `SELECT DISTINCT usename FROM pg_stat_activity
              WHERE datname = current_database() AND application_name LIKE 'credit-ledger%'`,
          )
        ).rows,
    );
    expect(sessions).toEqual([{ usename: 'credit_ledger_app' }]);
  });

  it('posts an entry through the service, and may insert journal rows', async () => {
    const posted = await ledger.request('POST', '/v1/entries', {
      idempotencyKey: 'least-privilege-capital',
      body: {
        description: 'Paid-in capital',
        lines: [
          { account: 'assets:bank:settlement', side: 'debit', amount: '1000.00', currency: 'CNY' },
          { account: 'equity:capital', side: 'credit', amount: '1000.00', currency: 'CNY' },
        ],
      },
    });
    expect(posted.status).toBe(201);
    // The chain sequencer (same role) links it: an INSERT into journal_chain.
    await waitFor('the entry chained', async () => {
      const { rows } = await runtime.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM journal_chain WHERE entry_id = $1`,
        [posted.body.id],
      );
      return rows[0]?.n === 1 ? true : undefined;
    });
  });

  it.each([
    ['UPDATE journal_entries', `UPDATE journal_entries SET description = 'tampered'`],
    ['UPDATE journal_lines', `UPDATE journal_lines SET amount = amount + 1`],
    ['UPDATE journal_chain', `UPDATE journal_chain SET hash = 'x'`],
    ['DELETE journal_entries', `DELETE FROM journal_entries`],
    ['DELETE journal_lines', `DELETE FROM journal_lines`],
    ['DELETE journal_chain', `DELETE FROM journal_chain`],
    ['TRUNCATE journal_entries', `TRUNCATE journal_entries CASCADE`],
    ['TRUNCATE journal_lines', `TRUNCATE journal_lines`],
    ['TRUNCATE journal_chain', `TRUNCATE journal_chain`],
  ])('refuses %s: permission denied, before any trigger', async (_name, statement) => {
    await expect(runtime.query(statement)).rejects.toThrow(/permission denied for table journal_/);
  });

  it.each([
    ['DISABLE TRIGGER', `ALTER TABLE journal_lines DISABLE TRIGGER journal_lines_immutable`],
    ['DISABLE TRIGGER ALL', `ALTER TABLE journal_entries DISABLE TRIGGER ALL`],
    [
      'ENABLE REPLICA TRIGGER',
      `ALTER TABLE journal_chain ENABLE REPLICA TRIGGER journal_chain_immutable`,
    ],
    ['DROP TRIGGER', `DROP TRIGGER journal_lines_immutable ON journal_lines`],
    ['DROP TRIGGER (truncate)', `DROP TRIGGER journal_entries_no_truncate ON journal_entries`],
    ['DROP TABLE', `DROP TABLE journal_chain`],
  ])('refuses %s: must be owner', async (_name, statement) => {
    await expect(runtime.query(statement)).rejects.toThrow(/must be owner of (table|relation)/);
  });

  it('refuses to switch triggers off for the session or to create objects', async () => {
    await expect(runtime.query(`SET session_replication_role = replica`)).rejects.toThrow(
      /permission denied to set parameter/,
    );
    for (const statement of [
      `CREATE TABLE journal_copy (id int)`,
      `CREATE OR REPLACE FUNCTION ledger_reject_change() RETURNS trigger LANGUAGE plpgsql
         AS $$ BEGIN RETURN NEW; END $$`,
    ]) {
      await expect(runtime.query(statement)).rejects.toThrow(/permission denied for schema public/);
    }
  });

  it('left the journal as it was: every entry still there, intact', async () => {
    const { rows } = await runtime.query<{ entries: number; lines: number }>(
      `SELECT (SELECT count(*)::int FROM journal_entries) AS entries,
              (SELECT count(*)::int FROM journal_lines) AS lines`,
    );
    expect(rows[0]).toEqual({ entries: 1, lines: 2 });
    const verify = await ledger.request('GET', '/v1/journal/verify');
    expect(verify.body.ok).toBe(true);
  });
});
