import { createHash, randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { DomainError } from '@credit/platform';

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
}

export interface AdminActionRequest {
  readonly idempotencyKey: string;
  readonly actor: string;
  readonly action: string;
  readonly selection: Record<string, unknown>;
  readonly dryRun: boolean;
}

export const AdminActionListMax = 500;

/**
 * The audit trail of admin actions: who, when, what selection, dry run or not, and the result
 * counts. A row is written before the action runs (status `running`) and finished with its report,
 * so an action that dies midway is still on record. The caller's Idempotency-Key is kept forever:
 * the same key with the same request returns the first action instead of running it again.
 */
export class AdminAudit {
  constructor(private readonly dataSource: DataSource) {}

  /** Records a new action, or returns the one this key already started (`replayed: true`). */
  async begin(request: AdminActionRequest): Promise<{ action: AdminAction; replayed: boolean }> {
    const requestHash = createHash('sha256')
      .update(JSON.stringify([request.action, request.selection, request.dryRun]))
      .digest('hex');
    const id = randomUUID();
    const inserted = await this.dataSource.query<AdminActionRow[]>(
      `INSERT INTO admin_actions (id, idempotency_key, request_hash, actor, action, selection, dry_run, status)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 'running')
       ON CONFLICT (idempotency_key) DO NOTHING
       RETURNING *`,
      [
        id,
        request.idempotencyKey,
        requestHash,
        request.actor,
        request.action,
        JSON.stringify(request.selection),
        request.dryRun,
      ],
    );
    const [row] = inserted;
    if (row) return { action: toAction(row), replayed: false };
    const [previous] = await this.dataSource.query<AdminActionRow[]>(
      `SELECT * FROM admin_actions WHERE idempotency_key = $1`,
      [request.idempotencyKey],
    );
    if (!previous) throw new Error(`admin action with key ${request.idempotencyKey} vanished`);
    if (previous.request_hash !== requestHash) {
      throw new DomainError(
        'ADMIN.IDEMPOTENCY_CONFLICT',
        `idempotency key "${request.idempotencyKey}" was used for another admin action (${previous.id})`,
        'conflict',
      );
    }
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
    await this.dataSource.query(
      `UPDATE admin_actions SET status = $2, result = $3, error = $4, finished_at = now() WHERE id = $1`,
      [id, status, JSON.stringify(result), error ?? null],
    );
  }

  /** Actions that were running when the process stopped cannot resume: they are marked failed. */
  async failInterrupted(): Promise<number> {
    const rows = await this.dataSource.query<{ id: string }[]>(
      `UPDATE admin_actions SET status = 'failed', error = 'interrupted: the service stopped while it ran',
              finished_at = now()
        WHERE status = 'running' RETURNING id`,
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
  };
}
