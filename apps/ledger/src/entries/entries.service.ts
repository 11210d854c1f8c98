import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { type EntryDraft, reversalDraft } from '../domain/journal';
import { LedgerError } from '../domain/ledger-error';
import { type EntryView, readEntries } from '../infrastructure/journal-reader';
import { inTransaction } from '../infrastructure/ledger-transactions';
import { PostingEngine } from '../infrastructure/posting-engine';

export interface PostOutcome {
  entries: EntryView[];
  /** True when every entry was already posted under its key with the same content. */
  replayed: boolean;
}

@Injectable()
export class EntriesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly engine: PostingEngine,
  ) {}

  /** Posts the drafts atomically: all of them or none. */
  async post(drafts: readonly EntryDraft[]): Promise<PostOutcome> {
    return inTransaction(this.dataSource, async (manager) => {
      const posted = await this.engine.post(manager, drafts);
      const entries = await readEntries(manager, `e.id = ANY($1)`, [posted.map((p) => p.id)]);
      const byId = new Map(entries.map((e) => [e.id, e]));
      return {
        entries: posted.map((p) => byId.get(p.id)).filter((e): e is EntryView => e !== undefined),
        replayed: posted.every((p) => p.replayed),
      };
    });
  }

  async reverse(
    entryId: string,
    idempotencyKey: string,
    reason: string,
    effectiveAt: string | null,
  ): Promise<PostOutcome> {
    return inTransaction(this.dataSource, async (manager) => {
      // Lock the original so two different reversal requests serialise on it.
      const [original] = await readEntries(manager, `e.id = $1`, [entryId]);
      if (!original)
        throw new LedgerError('LEDGER.ENTRY_NOT_FOUND', `entry ${entryId} does not exist`);
      const draft = reversalDraft(original, idempotencyKey, effectiveAt, reason);
      if (original.reversedByEntryId) {
        const [previous] = await readEntries(manager, `e.id = $1`, [original.reversedByEntryId]);
        if (previous?.idempotencyKey !== idempotencyKey) {
          throw new LedgerError(
            'LEDGER.ALREADY_REVERSED',
            `entry ${entryId} was already reversed by ${original.reversedByEntryId}`,
            { reversedByEntryId: original.reversedByEntryId },
          );
        }
      }
      const posted = await this.engine.post(manager, [draft]);
      const entries = await readEntries(manager, `e.id = ANY($1)`, [posted.map((p) => p.id)]);
      return { entries, replayed: posted.every((p) => p.replayed) };
    });
  }

  async get(entryId: string): Promise<EntryView> {
    const [entry] = await readEntries(this.dataSource.manager, `e.id = $1`, [entryId]);
    if (!entry) throw new LedgerError('LEDGER.ENTRY_NOT_FOUND', `entry ${entryId} does not exist`);
    return entry;
  }

  async bySourceEvent(sourceEventId: string): Promise<EntryView[]> {
    return readEntries(this.dataSource.manager, `e.source_event_id = $1`, [sourceEventId]);
  }
}
