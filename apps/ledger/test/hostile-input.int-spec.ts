import { fuzzService } from '@credit/testing';
import { ledgerApi } from '@credit/api';
import { type LedgerHarness, startLedger } from './harness';

// A hostile client over every route of the ledger (its own and the admin routes), with real
// accounts, an entry and a hold to aim at: no 5xx, every defective write refused, nothing changed.
describe('ledger service under hostile input', () => {
  let ledger: LedgerHarness;
  const ids: string[] = ['assets:bank:settlement', 'equity:capital'];

  beforeAll(async () => {
    ledger = await startLedger('credit_test_ledger_hostile');
    const entry = await ledger.request('POST', '/v1/entries', {
      idempotencyKey: 'hostile-seed-entry',
      body: {
        description: 'seed',
        lines: [
          { account: 'assets:bank:settlement', side: 'debit', amount: '100.00', currency: 'CNY' },
          { account: 'equity:capital', side: 'credit', amount: '100.00', currency: 'CNY' },
        ],
      },
    });
    expect(entry.status).toBe(201);
    const hold = await ledger.request('POST', '/v1/holds', {
      idempotencyKey: 'hostile-seed-hold',
      body: {
        debitAccount: 'assets:bank:settlement',
        creditAccount: 'equity:capital',
        amount: '10.00',
        currency: 'CNY',
        description: 'seed hold',
      },
    });
    expect(hold.status).toBe(201);
    ids.push(entry.body.id as string, hold.body.id as string);
  });
  afterAll(() => ledger.close());

  it('refuses dates PostgreSQL or Kafka cannot hold with a 400', async () => {
    for (const path of [
      '/v1/trial-balance?asOf=0000-01-01',
      '/v1/accounts/equity:capital/balance?asOf=0000-01-01',
      '/v1/accounts/equity:capital/statement?from=9999-12-31T00:00:00Z',
      '/v1/journal/export?from=0000-01-01',
    ]) {
      const response = await ledger.request('GET', path);
      expect([path, response.status]).toEqual([path, 400]);
    }
    const replay = await ledger.request('POST', '/v1/admin/replays', {
      role: 'admin',
      idempotencyKey: 'hostile-replay',
      body: { from: '1969-12-31T23:59:59Z', dryRun: true },
    });
    expect(replay.status).toBe(400);
    expect(replay.body.error.field).toBe('from');
  });

  it('answers every route without a 5xx, refuses every defective write and changes nothing', async () => {
    const { findings, sent, before, after } = await fuzzService({
      app: ledger,
      api: ledgerApi,
      ids: { id: ids },
      seed: 5,
    });
    expect(findings).toEqual([]);
    expect(sent).toBeGreaterThan(400);
    expect(after).toEqual(before);
  });
});
