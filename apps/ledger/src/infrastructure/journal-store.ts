import type { DataSource, EntityManager } from 'typeorm';
import type { AccountType, Side } from '../domain/accounts';
import type { ChainLine, ChainedContent, LinkWithContent, NewLink } from '../domain/hash-chain';
import { EntryColumns, type StoredEntryRow, storedEntryOf } from './journal-reader';

/** Effective-date window: `from` inclusive, `to` exclusive; null leaves that side open. */
export interface ExportRange {
  readonly from: Date | null;
  readonly to: Date | null;
}

export interface ExportLine {
  readonly lineNo: number;
  readonly account: string;
  readonly side: Side;
  /** The numeric column's text, always > 0 (a database CHECK). */
  readonly amount: string;
  readonly currency: string;
}

export interface ExportEntry {
  readonly id: string;
  readonly seq: string;
  readonly effectiveAt: Date;
  readonly postedAt: Date;
  readonly description: string;
  readonly sourceEventId: string | null;
  readonly lines: readonly ExportLine[];
}

interface ContentRow extends StoredEntryRow {
  lines: ChainLine[] | null;
}

/** EntryColumns plus the lines as `[[lineNo, account, side, amount, currency], ...]`. */
const ContentColumns = `${EntryColumns},
  (SELECT json_agg(json_build_array(l.line_no, l.account_id, l.side, l.amount::text, l.currency) ORDER BY l.line_no)
     FROM journal_lines l WHERE l.entry_id = e.id) AS lines`;

function contentOf(row: ContentRow): ChainedContent {
  return { ...storedEntryOf(row), lines: row.lines ?? [] };
}

/**
 * Runs `work` in one read-only repeatable-read snapshot: entries commit out of seq order, and the
 * snapshot keeps a walk over many pages consistent.
 */
export function inReadOnlySnapshot<T>(
  dataSource: DataSource,
  work: (manager: EntityManager) => Promise<T>,
): Promise<T> {
  return dataSource.transaction('REPEATABLE READ', async (manager) => {
    await manager.query(`SET TRANSACTION READ ONLY`);
    return work(manager);
  });
}

/** The journal's hash chain: links and the content they hash. */
export const JournalChainStore = {
  /** Entries not yet linked, oldest seq first, at most `limit`; only seq > `afterSeq` when given. */
  async readUnchained(
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
  },

  /** Links after `afterPosition` in position order with their entries' current content. */
  async readLinks(
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
  },

  /** Committed entries with no link yet. */
  async countUnchained(manager: EntityManager): Promise<number> {
    const [unchained] = await manager.query<{ count: number }[]>(
      `SELECT count(*)::int AS count FROM journal_entries e
        WHERE NOT EXISTS (SELECT 1 FROM journal_chain c WHERE c.entry_id = e.id)`,
    );
    return unchained?.count ?? 0;
  },

  /** The chain's last link with its entry's seq (null when the entry is gone). */
  async lastLink(
    manager: EntityManager,
  ): Promise<{ position: string; hash: string; seq: string | null } | undefined> {
    const [last] = await manager.query<{ position: string; hash: string; seq: string | null }[]>(
      `SELECT c.position, c.hash, e.seq
         FROM journal_chain c LEFT JOIN journal_entries e ON e.id = c.entry_id
        ORDER BY c.position DESC LIMIT 1`,
    );
    return last;
  },

  async insertLinks(manager: EntityManager, links: readonly NewLink[]): Promise<void> {
    await manager.query(
      `INSERT INTO journal_chain (position, entry_id, prev_hash, hash)
       SELECT * FROM unnest($1::bigint[], $2::uuid[], $3::text[], $4::text[])`,
      [
        links.map((l) => l.position),
        links.map((l) => l.entryId),
        links.map((l) => l.prevHash),
        links.map((l) => l.hash),
      ],
    );
  },
};

/** What the journal export reads. */
export const JournalExportStore = {
  /** Entries after `afterSeq` effective within `range`, in seq order, at most `limit`. */
  async readPage(
    manager: EntityManager,
    afterSeq: string,
    range: ExportRange,
    limit: number,
  ): Promise<ExportEntry[]> {
    const rows = await manager.query<
      (Pick<StoredEntryRow, 'id' | 'seq' | 'effective_at' | 'posted_at' | 'description'> & {
        source_event_id: string | null;
        lines: ExportLine[] | null;
      })[]
    >(
      `SELECT e.id, e.seq, e.effective_at, e.posted_at, e.description, e.source_event_id,
              (SELECT json_agg(json_build_object('lineNo', l.line_no, 'account', l.account_id, 'side', l.side,
                                                 'amount', l.amount::text, 'currency', l.currency) ORDER BY l.line_no)
                 FROM journal_lines l WHERE l.entry_id = e.id) AS lines
         FROM journal_entries e
        WHERE e.seq > $1::bigint
          AND ($2::timestamptz IS NULL OR e.effective_at >= $2::timestamptz)
          AND ($3::timestamptz IS NULL OR e.effective_at < $3::timestamptz)
        ORDER BY e.seq
        LIMIT $4`,
      [afterSeq, range.from?.toISOString() ?? null, range.to?.toISOString() ?? null, limit],
    );
    return rows.map((row) => ({
      id: row.id,
      seq: row.seq,
      effectiveAt: row.effective_at,
      postedAt: row.posted_at,
      description: row.description,
      sourceEventId: row.source_event_id,
      lines: row.lines ?? [],
    }));
  },

  /** Every currency an account is kept in. */
  async currencies(manager: EntityManager): Promise<string[]> {
    const rows = await manager.query<{ currency: string }[]>(
      `SELECT DISTINCT currency FROM accounts ORDER BY currency`,
    );
    return rows.map((row) => row.currency);
  },

  /** Accounts after `afterId` in id order with their types, at most `limit`. */
  accountsPage(
    manager: EntityManager,
    afterId: string,
    limit: number,
  ): Promise<{ id: string; type: AccountType }[]> {
    return manager.query<{ id: string; type: AccountType }[]>(
      `SELECT id, type FROM accounts WHERE id > $1 ORDER BY id LIMIT $2`,
      [afterId, limit],
    );
  },
};
