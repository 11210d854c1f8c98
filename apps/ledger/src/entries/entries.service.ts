import { Inject, Injectable, type OnModuleDestroy, Optional } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { type EntryDraft, reversalDraft } from '../domain/journal';
import { LedgerError } from '../domain/ledger-error';
import { type EntryView, readEntries } from '../infrastructure/journal-reader';
import { inTransaction } from '../infrastructure/ledger-transactions';
import { type PostedEntry, PostingEngine } from '../infrastructure/posting-engine';
import { DefaultGroupCommitLimits, type GroupCommitLimits, GroupCommitter } from './group-commit';
import { invariant } from '@credit/kernel';

/** Injection token of the group commit limits (from the LEDGER_GROUP_COMMIT_* variables). */
export const GroupCommitLimitsToken = Symbol('GroupCommitLimits');

export interface PostOutcome {
  entries: EntryView[];
  /** True when every entry was already posted under its key with the same content. */
  replayed: boolean;
}

/** The entries of posted drafts as written; replayed ones (rare) are read back. */
async function viewsOf(
  manager: EntityManager,
  posted: readonly PostedEntry[],
): Promise<EntryView[]> {
  const replayed = posted.filter((p) => p.view === null).map((p) => p.id);
  const read =
    replayed.length === 0 ? [] : await readEntries(manager, `e.id = ANY($1)`, [replayed]);
  const byId = new Map(read.map((e) => [e.id, e]));
  return posted.map((p) => {
    const view = p.view ?? byId.get(p.id);
    invariant(view, `entry ${p.id} was posted but cannot be read`);
    return view;
  });
}

const outcomeOf = (entries: EntryView[], posted: readonly PostedEntry[]): PostOutcome => ({
  entries,
  replayed: posted.every((p) => p.replayed),
});

function outcomeOrFail(outcome: PostOutcome | undefined): PostOutcome {
  invariant(outcome, 'a posting got no outcome');
  return outcome;
}

@Injectable()
export class EntriesService implements OnModuleDestroy {
  /** Concurrent postings share transactions (see GroupCommitter). */
  private readonly committer: GroupCommitter<readonly EntryDraft[], PostOutcome>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly engine: PostingEngine,
    @Optional() @Inject(GroupCommitLimitsToken) limits?: GroupCommitLimits,
  ) {
    this.committer = new GroupCommitter(
      limits ?? DefaultGroupCommitLimits,
      {
        together: (requests) => this.postTogether(requests),
        alone: (drafts) => this.postTogether([drafts]).then(([outcome]) => outcomeOrFail(outcome)),
      },
      (drafts) => drafts.length,
      (drafts) => drafts.map((draft) => draft.idempotencyKey),
    );
  }

  async onModuleDestroy(): Promise<void> {
    await this.committer.drained();
  }

  /**
   * Posts the drafts atomically: all of them or none. Concurrent calls are committed together
   * (group commit); a call whose group fails is run again on its own, so it is answered for its
   * own drafts only. Throws PostingQueueFullError when too many entries are waiting.
   */
  async post(drafts: readonly EntryDraft[]): Promise<PostOutcome> {
    return this.committer.submit(drafts);
  }

  /** One transaction, one engine call for all requests' drafts; each request's outcome. */
  private async postTogether(requests: readonly (readonly EntryDraft[])[]): Promise<PostOutcome[]> {
    return inTransaction(this.dataSource, async (manager) => {
      const posted = await this.engine.post(manager, requests.flat());
      const entries = await viewsOf(manager, posted);
      const outcomes: PostOutcome[] = [];
      let offset = 0;
      for (const drafts of requests) {
        const own = posted.slice(offset, offset + drafts.length);
        outcomes.push(outcomeOf(entries.slice(offset, offset + drafts.length), own));
        offset += drafts.length;
      }
      return outcomes;
    });
  }

  async reverse(
    entryId: string,
    idempotencyKey: string,
    reason: string,
    effectiveAt: string | null,
    actor: string,
  ): Promise<PostOutcome> {
    return inTransaction(this.dataSource, async (manager) => {
      // Lock the original so two different reversal requests serialise on it.
      const [original] = await readEntries(manager, `e.id = $1`, [entryId]);
      if (!original)
        throw new LedgerError('LEDGER.ENTRY_NOT_FOUND', `entry ${entryId} does not exist`);
      const draft = reversalDraft(original, idempotencyKey, effectiveAt, reason, actor);
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
      return outcomeOf(await viewsOf(manager, posted), posted);
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
