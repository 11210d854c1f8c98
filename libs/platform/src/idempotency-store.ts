import {
  type ConflictNaming,
  type RecordedRequest,
  invariant,
  replayOrConflict,
} from '@credit/kernel';

/** Anything that runs SQL: a DataSource or a transaction's EntityManager. */
export interface Queryable {
  query<T = unknown>(sql: string, parameters?: unknown[]): Promise<T>;
}

export interface IdempotencyTable {
  /** The table that keeps the keys (each service keeps its own, beside the resource). */
  readonly table: string;
  /** The select list of a recorded row (what a replay answers from). */
  readonly columns: string;
  readonly keyColumn?: string;
  /** The column of the recorded request's hash. */
  readonly hashColumn?: string;
  readonly idColumn?: string;
}

/**
 * The one store of idempotency keys: finds what a caller's key recorded, and decides replay or
 * conflict (`replayOrConflict` of @credit/kernel). Parameterised per use by its table; the row that
 * records a new key is the resource's own INSERT (… ON CONFLICT (key) DO NOTHING), in the same
 * transaction as the work, so a key is never recorded without its result.
 */
export class IdempotencyStore<TRow extends object> {
  private readonly keyColumn: string;
  private readonly hashColumn: string;
  private readonly idColumn: string;

  constructor(private readonly spec: IdempotencyTable) {
    this.keyColumn = spec.keyColumn ?? 'idempotency_key';
    this.hashColumn = spec.hashColumn ?? 'request_hash';
    this.idColumn = spec.idColumn ?? 'id';
  }

  /** The row recorded under `key`, if any (`forUpdate` locks it for the transaction). */
  async find(db: Queryable, key: string, forUpdate = false): Promise<TRow | undefined> {
    const rows = await db.query<TRow[]>(
      `SELECT ${this.spec.columns} FROM ${this.spec.table} WHERE ${this.keyColumn} = $1${forUpdate ? ' FOR UPDATE' : ''}`,
      [key],
    );
    return rows[0];
  }

  /**
   * The recorded row to replay when `key` was used for the same request (its hash is one of
   * `hashes`); undefined when the key is new; IdempotencyConflict for another request.
   */
  async replayOf(
    db: Queryable,
    key: string,
    hashes: string | readonly string[],
    conflict: ConflictNaming,
  ): Promise<TRow | undefined> {
    const row = await this.find(db, key);
    return row && this.decide(key, row, hashes, conflict);
  }

  /**
   * After an INSERT … ON CONFLICT (key) DO NOTHING that inserted nothing: a concurrent request with
   * the key committed first, so its row must be there; replayed, or a conflict.
   */
  async replayOfTwin(
    db: Queryable,
    key: string,
    hashes: string | readonly string[],
    conflict: ConflictNaming,
  ): Promise<TRow> {
    const twin = await this.find(db, key);
    invariant(twin, `${this.spec.table}: the key ${key} was taken, yet no row holds it`);
    return this.decide(key, twin, hashes, conflict);
  }

  /** The decision for a row already read (e.g. under a lock the caller took). */
  decide(
    key: string,
    row: TRow,
    hashes: string | readonly string[],
    conflict: ConflictNaming,
  ): TRow {
    replayOrConflict(key, this.recordOf(row), hashes, conflict);
    return row;
  }

  private recordOf(row: TRow): RecordedRequest {
    const fields = row as Record<string, unknown>;
    return {
      id: String(fields[this.idColumn]),
      requestHash: String(fields[this.hashColumn]),
    };
  }
}
