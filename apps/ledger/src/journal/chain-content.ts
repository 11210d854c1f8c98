import { createHash } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { canonicalJson } from '@credit/kernel';
import type { Side } from '../domain/accounts';

/** The prev_hash of the first link: 64 zeros. */
export const GenesisHash = '0'.repeat(64);

/** One line as it takes part in the hash: [lineNo, account, side, amount as posted, currency]. */
export type ChainLine = [number, string, Side, string, string];

/** An entry's content as the chain hashes it, read from the current rows. */
export interface ChainedContent {
  readonly id: string;
  readonly seq: string;
  readonly idempotencyKey: string;
  readonly effectiveAt: Date;
  readonly postedAt: Date;
  readonly description: string;
  readonly metadata: Record<string, unknown>;
  readonly sourceEventId: string | null;
  readonly sourceEventType: string | null;
  readonly rule: string | null;
  readonly reversesEntryId: string | null;
  readonly holdId: string | null;
  readonly lines: readonly ChainLine[];
}

/**
 * The text a link hashes: canonical JSON (sorted keys) of every stored field of the entry and its
 * lines. Amounts are the numeric column's own text (`amount::text`), never a JS number.
 */
export function canonicalContent(entry: ChainedContent): string {
  return canonicalJson({
    id: entry.id,
    idempotencyKey: entry.idempotencyKey,
    effectiveAt: entry.effectiveAt.toISOString(),
    postedAt: entry.postedAt.toISOString(),
    description: entry.description,
    metadata: entry.metadata,
    sourceEventId: entry.sourceEventId,
    sourceEventType: entry.sourceEventType,
    rule: entry.rule,
    reversesEntryId: entry.reversesEntryId,
    holdId: entry.holdId,
    lines: entry.lines,
  });
}

/** sha256(prev_hash + '\n' + canonical content), hex. */
export function linkHash(prevHash: string, entry: ChainedContent): string {
  return createHash('sha256')
    .update(`${prevHash}\n${canonicalContent(entry)}`, 'utf8')
    .digest('hex');
}

interface ContentRow {
  id: string;
  seq: string;
  idempotency_key: string;
  effective_at: Date;
  posted_at: Date;
  description: string;
  metadata: Record<string, unknown>;
  source_event_id: string | null;
  source_event_type: string | null;
  rule: string | null;
  reverses_entry_id: string | null;
  hold_id: string | null;
  lines: ChainLine[] | null;
}

/** Columns of `journal_entries e` plus its lines as `[[lineNo, account, side, amount, currency], ...]`. */
export const ContentColumns = `e.id, e.seq, e.idempotency_key, e.effective_at, e.posted_at, e.description, e.metadata,
  e.source_event_id, e.source_event_type, e.rule, e.reverses_entry_id, e.hold_id,
  (SELECT json_agg(json_build_array(l.line_no, l.account_id, l.side, l.amount::text, l.currency) ORDER BY l.line_no)
     FROM journal_lines l WHERE l.entry_id = e.id) AS lines`;

export function contentOf(row: ContentRow): ChainedContent {
  return {
    id: row.id,
    seq: row.seq,
    idempotencyKey: row.idempotency_key,
    effectiveAt: row.effective_at,
    postedAt: row.posted_at,
    description: row.description,
    metadata: row.metadata,
    sourceEventId: row.source_event_id,
    sourceEventType: row.source_event_type,
    rule: row.rule,
    reversesEntryId: row.reverses_entry_id,
    holdId: row.hold_id,
    lines: row.lines ?? [],
  };
}

/** Entries not yet linked, oldest seq first, at most `limit`; only seq > `afterSeq` when given. */
export async function readUnchained(
  manager: EntityManager,
  limit: number,
  afterSeq: string | null,
): Promise<ChainedContent[]> {
  const rows = await manager.query<ContentRow[]>(
    `SELECT ${ContentColumns}
       FROM journal_entries e
       LEFT JOIN journal_chain c ON c.entry_id = e.id
      WHERE c.entry_id IS NULL AND ($2::bigint IS NULL OR e.seq > $2::bigint)
      ORDER BY e.seq
      LIMIT $1`,
    [limit, afterSeq],
  );
  return rows.map(contentOf);
}

export interface LinkWithContent {
  readonly position: string;
  readonly entryId: string;
  readonly prevHash: string;
  readonly hash: string;
  /** Null when the linked entry no longer exists. */
  readonly entry: ChainedContent | null;
}

/** Links after `afterPosition` in position order with their entries' current content. */
export async function readLinks(
  manager: EntityManager,
  afterPosition: string,
  limit: number,
): Promise<LinkWithContent[]> {
  const rows = await manager.query<
    (Omit<ContentRow, 'id'> & {
      id: string | null;
      position: string;
      entry_id: string;
      prev_hash: string;
      hash: string;
    })[]
  >(
    `SELECT c.position, c.entry_id, c.prev_hash, c.hash, ${ContentColumns}
       FROM journal_chain c
       LEFT JOIN journal_entries e ON e.id = c.entry_id
      WHERE c.position > $1::bigint
      ORDER BY c.position
      LIMIT $2`,
    [afterPosition, limit],
  );
  return rows.map((row) => ({
    position: row.position,
    entryId: row.entry_id,
    prevHash: row.prev_hash,
    hash: row.hash,
    entry: row.id === null ? null : contentOf({ ...row, id: row.id }),
  }));
}
