import { Controller, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Actor, Endpoint, Input, type RouteInput, idempotencyKeyOf } from '@credit/platform';
import { entriesBySource, getEntry, postEntries, reverseEntry } from '@credit/api';
import type { EntryRequest, EntryView } from '@credit/api';
import type { EntryDraft } from '../domain/journal';
import { EntriesService, type PostOutcome } from './entries.service';
import { PostingQueueFullError } from './group-commit';

function draftOf(dto: EntryRequest, idempotencyKey: string, actor: string): EntryDraft {
  return {
    idempotencyKey,
    effectiveAt: dto.effectiveAt ?? null,
    description: dto.description,
    metadata: dto.metadata ?? {},
    sourceEventId: null,
    sourceEventType: null,
    rule: null,
    reversesEntryId: null,
    actor,
    lines: dto.lines.map((line) => ({ ...line })),
  };
}

/** Posts, answering 503 with Retry-After when the group commit queue is full. */
async function postOrBusy(
  response: Response,
  posting: () => Promise<PostOutcome>,
  batch: boolean,
): Promise<void> {
  let outcome: PostOutcome;
  try {
    outcome = await posting();
  } catch (error) {
    if (!(error instanceof PostingQueueFullError)) throw error;
    response
      .status(503)
      .setHeader('Retry-After', String(error.retryAfterSeconds))
      .json({ error: { code: error.code, message: error.message } });
    return;
  }
  send(response, outcome, batch);
}

function send(response: Response, outcome: PostOutcome, batch: boolean): void {
  response
    .status(outcome.replayed ? 200 : 201)
    .setHeader('Idempotent-Replayed', String(outcome.replayed))
    .json(batch ? { entries: outcome.entries } : outcome.entries[0]);
}

@Controller()
export class EntriesController {
  constructor(private readonly entries: EntriesService) {}

  @Endpoint(postEntries)
  async post(
    @Input() { body, idempotencyKey }: RouteInput<typeof postEntries>,
    @Actor() actor: string,
    @Res() response: Response,
  ): Promise<void> {
    if ('entries' in body) {
      const drafts = body.entries.map((e) => draftOf(e, e.idempotencyKey, actor));
      await postOrBusy(response, () => this.entries.post(drafts), true);
      return;
    }
    const key = idempotencyKeyOf(idempotencyKey);
    await postOrBusy(response, () => this.entries.post([draftOf(body, key, actor)]), false);
  }

  @Endpoint(entriesBySource)
  async bySource(
    @Input() { query }: RouteInput<typeof entriesBySource>,
  ): Promise<{ entries: EntryView[] }> {
    return { entries: await this.entries.bySourceEvent(query.sourceEventId) };
  }

  @Endpoint(getEntry)
  async get(@Input() { params }: RouteInput<typeof getEntry>): Promise<EntryView> {
    return this.entries.get(params.id);
  }

  @Endpoint(reverseEntry)
  async reverse(
    @Input() { params, idempotencyKey, body }: RouteInput<typeof reverseEntry>,
    @Actor() actor: string,
    @Res() response: Response,
  ): Promise<void> {
    const outcome = await this.entries.reverse(
      params.id,
      idempotencyKey,
      body.reason,
      body.effectiveAt ?? null,
      actor,
    );
    send(response, outcome, false);
  }
}
