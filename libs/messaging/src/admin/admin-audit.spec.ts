import type { DataSource } from 'typeorm';
import { IdempotencyConflict, legacyJsonRequestHash, requestHash } from '@credit/kernel';
import { AdminAudit, type AdminActionRequest } from './admin-audit';

const request: AdminActionRequest = {
  idempotencyKey: 'rebuild-1',
  actor: 'admin',
  action: 'rebuild-balances',
  selection: { currency: 'CNY', accounts: ['assets:cash'] },
  dryRun: false,
};
const content = [request.action, request.selection, request.dryRun];

/** A database where the key is already recorded, with the given hash: the INSERT inserts nothing. */
function recordedWith(hash: string) {
  const row = {
    id: 'A-1',
    idempotency_key: request.idempotencyKey,
    request_hash: hash,
    actor: 'admin',
    action: request.action,
    selection: request.selection,
    dry_run: false,
    status: 'succeeded',
    progress: null,
    result: null,
    error: null,
    started_at: new Date('2026-12-01T00:00:00Z'),
    finished_at: null,
    owner_instance: null,
  };
  const query = jest.fn((sql: string) => Promise.resolve(sql.startsWith('INSERT') ? [] : [row]));
  return { dataSource: { query } as unknown as DataSource, query };
}

describe('AdminAudit.begin with a key already recorded', () => {
  it('replays an action recorded with the canonical hash', async () => {
    const { dataSource } = recordedWith(requestHash(content));
    const begun = await new AdminAudit(dataSource).begin(request);
    expect({ id: begun.action.id, replayed: begun.replayed }).toEqual({
      id: 'A-1',
      replayed: true,
    });
  });

  it('replays an action recorded before the upgrade (the JSON.stringify hash)', async () => {
    const { dataSource } = recordedWith(legacyJsonRequestHash(content));
    expect(legacyJsonRequestHash(content)).not.toBe(requestHash(content));
    const begun = await new AdminAudit(dataSource).begin(request);
    expect(begun.replayed).toBe(true);
  });

  it('refuses another request under the key, naming the action it made', async () => {
    const { dataSource } = recordedWith(legacyJsonRequestHash(content));
    await expect(new AdminAudit(dataSource).begin({ ...request, dryRun: true })).rejects.toThrow(
      IdempotencyConflict,
    );
    await expect(
      new AdminAudit(dataSource).begin({ ...request, dryRun: true }),
    ).rejects.toMatchObject({
      code: 'ADMIN.IDEMPOTENCY_CONFLICT',
      kind: 'conflict',
      message: expect.stringContaining('(A-1)'),
    });
  });
});
