import { waitFor } from '@credit/testing';
import { type LedgerHarness, startLedger } from './harness';
import { ChainSequencer } from '../src/journal/chain-sequencer';

/** The actors the test keys stand for: role, holder (`bootstrap` for environment keys), credential. */
const Operator = 'operator:bootstrap:env-operator';
const Admin = 'admin:bootstrap:env-admin';
const Ledger = 'system:ledger';

const line = (account: string, side: 'debit' | 'credit', amount: string) => ({
  account,
  side,
  amount,
  currency: 'CNY',
});
const capital = (amount: string) => [
  line('assets:bank:settlement', 'debit', amount),
  line('equity:capital', 'credit', amount),
];

/**
 * Every operator and admin write to the ledger records who made it, in the transaction of the
 * write, and shows it where an operator reads the record; the ledger's own writes record
 * `system:ledger`; an idempotent replay, whoever sends it, records nothing new.
 */
describe('ledger audit trail: who posted, reversed, created and held', () => {
  let ledger: LedgerHarness;

  const entryActors = (key: string) =>
    ledger.dataSource.query<{ actor: string }[]>(
      `SELECT actor FROM journal_entries WHERE idempotency_key = $1`,
      [key],
    );

  /** A hold of `amount` from the bank to capital, placed with the `role`'s key. */
  const placeHold = (key: string, role: 'operator' | 'admin', amount: string, expiresAt?: string) =>
    ledger.request('POST', '/v1/holds', {
      role,
      idempotencyKey: key,
      body: {
        debitAccount: 'assets:bank:settlement',
        creditAccount: 'equity:capital',
        amount,
        currency: 'CNY',
        description: 'Audit hold',
        ...(expiresAt ? { expiresAt } : {}),
      },
    });

  beforeAll(async () => {
    ledger = await startLedger('credit_test_ledger_audit');
  });

  afterAll(async () => {
    await ledger.close();
  });

  it('a manual entry records its poster; a replay by another key holder records nothing new', async () => {
    const posted = await ledger.request('POST', '/v1/entries', {
      idempotencyKey: 'audit-manual-1',
      body: { description: 'Paid-in capital', lines: capital('1000.00') },
    });
    expect(posted.status).toBe(201);
    expect(posted.body.actor).toBe(Operator);
    expect((await ledger.request('GET', `/v1/entries/${posted.body.id}`)).body.actor).toBe(
      Operator,
    );

    const replayed = await ledger.request('POST', '/v1/entries', {
      role: 'admin',
      idempotencyKey: 'audit-manual-1',
      body: { description: 'Paid-in capital', lines: capital('1000.00') },
    });
    expect(replayed.status).toBe(200);
    expect(replayed.body).toMatchObject({ id: posted.body.id, actor: Operator });
    expect(await entryActors('audit-manual-1')).toEqual([{ actor: Operator }]);
  });

  it('a batch of entries records its poster on each', async () => {
    const batch = await ledger.request('POST', '/v1/entries', {
      role: 'admin',
      body: {
        entries: [
          { idempotencyKey: 'audit-batch-1', description: 'Capital 1', lines: capital('10.00') },
          { idempotencyKey: 'audit-batch-2', description: 'Capital 2', lines: capital('20.00') },
        ],
      },
    });
    expect(batch.status).toBe(201);
    expect(batch.body.entries.map((e: { actor: string }) => e.actor)).toEqual([Admin, Admin]);
  });

  it('a reversal records who reversed; the original keeps its poster', async () => {
    const original = await ledger.request('POST', '/v1/entries', {
      idempotencyKey: 'audit-to-reverse',
      body: { description: 'Posted in error', lines: capital('5.00') },
    });
    const reversal = await ledger.request('POST', `/v1/entries/${original.body.id}/reversal`, {
      role: 'admin',
      idempotencyKey: 'audit-reversal-1',
      body: { reason: 'posted in error' },
    });
    expect(reversal.status).toBe(201);
    expect(reversal.body.actor).toBe(Admin);
    const again = await ledger.request('POST', `/v1/entries/${original.body.id}/reversal`, {
      idempotencyKey: 'audit-reversal-1',
      body: { reason: 'posted in error' },
    });
    expect(again.status).toBe(200);
    expect(again.body.actor).toBe(Admin);
    expect(await entryActors('audit-reversal-1')).toEqual([{ actor: Admin }]);
    expect((await ledger.request('GET', `/v1/entries/${original.body.id}`)).body).toMatchObject({
      actor: Operator,
      reversedByEntryId: reversal.body.id,
    });
  });

  it('an account records its creator, kept when the same account is asked for again', async () => {
    const body = { id: 'assets:audit:float', name: 'Audit float', type: 'asset', currency: 'CNY' };
    const created = await ledger.request('POST', '/v1/accounts', { role: 'admin', body });
    expect(created.status).toBe(201);
    expect(created.body.createdBy).toBe(Admin);
    const again = await ledger.request('POST', '/v1/accounts', { role: 'admin', body });
    expect(again.status).toBe(200);
    expect(again.body.createdBy).toBe(Admin);
    expect((await ledger.request('GET', '/v1/accounts/assets:audit:float')).body.createdBy).toBe(
      Admin,
    );
    // Seeded by the migrations before the audit trail.
    expect((await ledger.request('GET', '/v1/accounts/equity:capital')).body.createdBy).toBe(
      'unknown',
    );
  });

  it('a sub-account made from its template on first use records the ledger', async () => {
    const posted = await ledger.request('POST', '/v1/entries', {
      idempotencyKey: 'audit-subaccount',
      body: {
        description: 'Loan principal',
        lines: [
          line('assets:loans:principal:L-AUDIT', 'debit', '1.00'),
          line('assets:bank:settlement', 'credit', '1.00'),
        ],
      },
    });
    expect(posted.status).toBe(201);
    const account = await ledger.request('GET', '/v1/accounts/assets:loans:principal:L-AUDIT');
    expect(account.body.createdBy).toBe(Ledger);
  });

  it('a hold records who placed it and who posted it; the posting entry records the poster', async () => {
    const hold = await placeHold('audit-hold-post', 'operator', '30.00');
    expect(hold.status).toBe(201);
    expect(hold.body).toMatchObject({ actor: Operator, resolvedBy: null, status: 'pending' });

    const placedAgain = await placeHold('audit-hold-post', 'admin', '30.00');
    expect(placedAgain.status).toBe(200);
    expect(placedAgain.body.actor).toBe(Operator);

    const posted = await ledger.request('POST', `/v1/holds/${hold.body.id}/post`, {
      role: 'admin',
      idempotencyKey: 'audit-hold-post-resolve',
      body: { amount: '20.00' },
    });
    expect(posted.status).toBe(200);
    expect(posted.body).toMatchObject({ actor: Operator, resolvedBy: Admin, status: 'posted' });
    const repost = await ledger.request('POST', `/v1/holds/${hold.body.id}/post`, {
      idempotencyKey: 'audit-hold-post-resolve',
      body: { amount: '20.00' },
    });
    expect(repost.status).toBe(200);
    expect(repost.body.resolvedBy).toBe(Admin);
    expect((await ledger.request('GET', `/v1/holds/${hold.body.id}`)).body).toMatchObject({
      actor: Operator,
      resolvedBy: Admin,
    });
    expect(
      (await ledger.request('GET', `/v1/entries/${posted.body.postedEntryId}`)).body.actor,
    ).toBe(Admin);
  });

  it('a voided hold records who voided it; an expired one records the ledger', async () => {
    const toVoid = await placeHold('audit-hold-void', 'admin', '1.00');
    const voided = await ledger.request('POST', `/v1/holds/${toVoid.body.id}/void`, {
      idempotencyKey: 'audit-hold-void-resolve',
      body: { reason: 'not needed' },
    });
    expect(voided.status).toBe(200);
    expect(voided.body).toMatchObject({ actor: Admin, resolvedBy: Operator, status: 'voided' });

    const toExpire = await placeHold(
      'audit-hold-expire',
      'admin',
      '1.00',
      new Date(Date.now() + 1_500).toISOString(),
    );
    expect(toExpire.status).toBe(201);
    const expired = await waitFor('the hold expired', async () => {
      const hold = (await ledger.request('GET', `/v1/holds/${toExpire.body.id}`)).body;
      return hold.status === 'expired' ? hold : undefined;
    });
    expect(expired).toMatchObject({ actor: Admin, resolvedBy: Ledger });
  });

  it('a reconciliation run records who asked for it', async () => {
    const run = await ledger.request('POST', '/v1/reconciliation/runs', {
      idempotencyKey: 'audit-reconciliation',
    });
    expect(run.status).toBe(202);
    expect(run.body.requestedBy).toBe(Operator);
    expect(
      (await ledger.request('GET', `/v1/reconciliation/runs/${run.body.id}`)).body.requestedBy,
    ).toBe(Operator);
  });

  it('no new entry lacks its actor, and the chain still verifies: the actor is not hashed', async () => {
    const [missing] = await ledger.dataSource.query<{ count: number }[]>(
      `SELECT count(*)::int AS count FROM journal_entries WHERE actor IS NULL OR actor = ''`,
    );
    expect(missing?.count).toBe(0);
    await ledger.app.get(ChainSequencer).chainPending();
    const verify = await ledger.request('GET', '/v1/journal/verify');
    expect(verify.status).toBe(200);
    expect(verify.body).toMatchObject({ ok: true, unchainedEntries: 0, firstBrokenLink: null });
  });
});
