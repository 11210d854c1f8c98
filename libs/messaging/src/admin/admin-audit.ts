import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { legacyJsonRequestHash, requestHash } from '@credit/kernel';
import { IdempotencyStore } from '@credit/platform';

export type AdminActionStatus = 'running' | 'succeeded' | 'failed' | 'cancelled';

export interface AdminAction {
  id: string;
  idempotencyKey: string;
  actor: string;
  action: string;
  selection: Record<string, unknown>;
  dryRun: boolean;
  status: AdminActionStatus;
  progress: Record<string, unknown> | null;
  result: Record<string, unknown> | null;
  error: string | null;
  startedAt: string;
  finishedAt: string | null;
  /** The instance running it (it renews a lease while it runs). */
  ownerInstance: string | null;
}

interface AdminActionRow {
  id: string;
  idempotency_key: string;
  request_hash: string;
  actor: string;
  action: string;
  selection: Record<string, unknown>;
  dry_run: boolean;
  status: AdminActionStatus;
  progress: Record<string, unknown> | null;
  result: Record<string, unknown> | null;
  error: string | null;
  started_at: Date;
  finished_at: Date | null;
  owner_instance: string | null;
}

export interface AdminActionRequest {
  readonly idempotencyKey: string;
  readonly actor: string;
  readonly action: string;
  readonly selection: Record<string, unknown>;
  readonly dryRun: boolean;
}

export const AdminActionListMax = 500;
/** The admin actions callers asked for, by their idempotency key (kept forever). */
const adminActionKeys = new IdempotencyStore<AdminActionRow>({
  table: 'admin_actions',
  columns: '*',
});

/** Without an owner instance given: a lease long enough for tests and single-process tools. */
export const AdminActionLeaseDefaultMs = 30_000;

/**
 * The audit trail of admin actions: who, when, what selection, dry run or not, and the result
 * counts. A row is written before the action runs (status `running`) and finished with its report,
 * so an action that dies midway is still on record. The caller's Idempotency-Key is kept forever:
 * the same key with the same request returns the first action instead of running it again.
 *
 * With several instances, a running action belongs to the instance that began it: it renews the
 * action's lease (`renewLeases()`, every third of the lease) until it finishes. Another instance
 * fails a running action only when its lease expired (its owner died or hung); a process that
 * restarts with the same instance id fails its own leftovers at once.
 */
export class AdminAudit {
  /** Actions this process began and has not finished: their leases are renewed. */
  private readonly owned = new Set<string>();

  constructor(
    private readonly dataSource: DataSource,
    readonly instanceId: string = `admin-${randomUUID()}`,
    readonly leaseMs: number = AdminActionLeaseDefaultMs,
  ) {}

  /** Records a new action, or returns the one this key already started (`replayed: true`). */
  async begin(request: AdminActionRequest): Promise<{ action: AdminAction; replayed: boolean }> {
    const content = [request.action, request.selection, request.dryRun];
    const hash = requestHash(content);
    const id = randomUUID();
    const inserted = await this.dataSource.query<AdminActionRow[]>(
      `INSERT INTO admin_actions (id, idempotency_key, request_hash, actor, action, selection, dry_run, status,
                                  owner_instance, lease_until)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 'running', $8, now() + $9 * interval '1 millisecond')
       ON CONFLICT (idempotency_key) DO NOTHING
       RETURNING *`,
      [
        id,
        request.idempotencyKey,
        hash,
        request.actor,
        request.action,
        JSON.stringify(request.selection),
        request.dryRun,
        this.instanceId,
        this.leaseMs,
      ],
    );
    const [row] = inserted;
    if (row) {
      this.owned.add(row.id);
      return { action: toAction(row), replayed: false };
    }
    // Actions recorded before the canonical hash were hashed with JSON.stringify: still replayed.
    const previous = await adminActionKeys.replayOfTwin(
      this.dataSource,
      request.idempotencyKey,
      [hash, legacyJsonRequestHash(content)],
      { code: 'ADMIN.IDEMPOTENCY_CONFLICT', resource: 'another admin action' },
    );
    return { action: toAction(previous), replayed: true };
  }

  async progress(id: string, progress: Record<string, unknown>): Promise<void> {
    await this.dataSource.query(
      `UPDATE admin_actions SET progress = $2 WHERE id = $1 AND status = 'running'`,
      [id, JSON.stringify(progress)],
    );
  }

  async finish(
    id: string,
    status: Exclude<AdminActionStatus, 'running'>,
    result: Record<string, unknown>,
    error?: string,
  ): Promise<void> {
    this.owned.delete(id);
    await this.dataSource.query(
      `UPDATE admin_actions SET status = $2, result = $3, error = $4, finished_at = now(), lease_until = NULL
        WHERE id = $1`,
      [id, status, JSON.stringify(result), error ?? null],
    );
  }

  /** Extends the lease of every action this process is running. */
  async renewLeases(): Promise<void> {
    if (this.owned.size === 0) return;
    await this.dataSource.query(
      `UPDATE admin_actions SET lease_until = now() + $3 * interval '1 millisecond'
        WHERE id = ANY($1::uuid[]) AND status = 'running' AND owner_instance = $2`,
      [[...this.owned], this.instanceId, this.leaseMs],
    );
  }

  /**
   * Running actions that cannot resume are marked failed: those whose owner stopped renewing the
   * lease (it died), and this instance's own from before a restart. Another live instance's action
   * is left alone.
   */
  async failInterrupted(): Promise<number> {
    const rows = await this.dataSource.query<{ id: string }[]>(
      `WITH failed AS (
         UPDATE admin_actions SET status = 'failed', error = 'interrupted: the service stopped while it ran',
                finished_at = now(), lease_until = NULL
          WHERE status = 'running'
            AND (lease_until IS NULL OR lease_until < now()
                 OR (owner_instance = $1 AND NOT (id = ANY($2::uuid[]))))
          RETURNING id)
       SELECT id FROM failed`,
      [this.instanceId, [...this.owned]],
    );
    return rows.length;
  }

  async get(id: string): Promise<AdminAction | undefined> {
    const [row] = await this.dataSource.query<AdminActionRow[]>(
      `SELECT * FROM admin_actions WHERE id = $1`,
      [id],
    );
    return row ? toAction(row) : undefined;
  }

  async list(filter: { action?: string; limit: number }): Promise<AdminAction[]> {
    const rows = await this.dataSource.query<AdminActionRow[]>(
      `SELECT * FROM admin_actions WHERE ($1::text IS NULL OR action = $1)
        ORDER BY started_at DESC, id LIMIT $2`,
      [filter.action ?? null, filter.limit],
    );
    return rows.map(toAction);
  }
}

function toAction(row: AdminActionRow): AdminAction {
  return {
    id: row.id,
    idempotencyKey: row.idempotency_key,
    actor: row.actor,
    action: row.action,
    selection: row.selection,
    dryRun: row.dry_run,
    status: row.status,
    progress: row.progress,
    result: row.result,
    error: row.error,
    startedAt: row.started_at.toISOString(),
    finishedAt: row.finished_at ? row.finished_at.toISOString() : null,
    ownerInstance: row.owner_instance ?? null,
  };
}
