import type { EntityManager } from 'typeorm';
import type { EntryView } from '@credit/api';
import type { Side } from '../domain/accounts';

export type { EntryView };

/** The stored columns of a journal_entries row, as EntryColumns selects them. */
export interface StoredEntryRow {
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
}

/** Every stored column of `journal_entries e`. */
export const EntryColumns = `e.id, e.seq, e.idempotency_key, e.effective_at, e.posted_at, e.description, e.metadata,
  e.source_event_id, e.source_event_type, e.rule, e.reverses_entry_id, e.hold_id`;

/** The stored fields of an entry row, named as the domain names them. */
export function storedEntryOf(row: StoredEntryRow) {
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
  };
}

interface EntryRow extends StoredEntryRow {
  actor: string;
  reversed_by: string | null;
  lines: { lineNo: number; account: string; side: Side; amount: string; currency: string }[];
}

/** Reads entries with their lines; amounts come back as the decimal strings they were posted as. */
export async function readEntries(
  manager: EntityManager,
  where: string,
  params: unknown[],
): Promise<EntryView[]> {
  const rows = await manager.query<EntryRow[]>(
    `SELECT ${EntryColumns}, e.actor,
            (SELECT r.id FROM journal_entries r WHERE r.reverses_entry_id = e.id) AS reversed_by,
            (SELECT json_agg(json_build_object('lineNo', l.line_no, 'account', l.account_id, 'side', l.side,
                                               'amount', l.amount::text, 'currency', l.currency) ORDER BY l.line_no)
               FROM journal_lines l WHERE l.entry_id = e.id) AS lines
       FROM journal_entries e
      WHERE ${where}
      ORDER BY e.seq`,
    params,
  );
  return rows.map((row) => {
    const stored = storedEntryOf(row);
    return {
      ...stored,
      effectiveAt: stored.effectiveAt.toISOString(),
      postedAt: stored.postedAt.toISOString(),
      reversedByEntryId: row.reversed_by,
      actor: row.actor,
      lines: row.lines,
    };
  });
}
