import { Body, Controller, Get, Param, Post, Query, Res } from '@nestjs/common';
import {
  ApiBody,
  ApiHeader,
  ApiOperation,
  ApiQuery,
  ApiTags,
  getSchemaPath,
  ApiExtraModels,
} from '@nestjs/swagger';
import type { Response } from 'express';
import {
  IdempotencyKey,
  RequireRole,
  idempotencyKeyOf,
  parseUuid,
  validateDto,
} from '@credit/platform';
import type { EntryDraft } from '../domain/journal';
import type { EntryView } from '../infrastructure/journal-reader';
import { BatchDto, EntryDto, ReversalDto } from './entries.dto';
import { EntriesService, type PostOutcome } from './entries.service';
import { PostingQueueFullError } from './group-commit';

function draftOf(dto: EntryDto, idempotencyKey: string): EntryDraft {
  return {
    idempotencyKey,
    effectiveAt: dto.effectiveAt ?? null,
    description: dto.description,
    metadata: dto.metadata ?? {},
    sourceEventId: null,
    sourceEventType: null,
    rule: null,
    reversesEntryId: null,
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

@ApiTags('journal')
@ApiExtraModels(EntryDto, BatchDto)
@Controller('v1/entries')
export class EntriesController {
  constructor(private readonly entries: EntriesService) {}

  @Post()
  @RequireRole('operator')
  @ApiOperation({
    summary: 'Post a manual or adjusting entry, or an atomic batch (operator)',
    description:
      'A single entry needs the Idempotency-Key header. A batch ({ "entries": [...] }, each with its own idempotencyKey) is atomic: every entry is posted in one transaction, or none is. Concurrent requests share transactions (group commit); when too many entries are waiting the answer is 503 LEDGER.BUSY with Retry-After. The same key with the same content returns the original (200, Idempotent-Replayed: true); with different content it is a 409.',
  })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'required for a single entry',
  })
  @ApiBody({
    schema: { oneOf: [{ $ref: getSchemaPath(EntryDto) }, { $ref: getSchemaPath(BatchDto) }] },
  })
  async post(@Body() body: unknown, @Res() response: Response): Promise<void> {
    if (typeof body === 'object' && body !== null && 'entries' in body) {
      const batch = validateDto(BatchDto, body);
      const drafts = batch.entries.map((e) => draftOf(e, e.idempotencyKey));
      await postOrBusy(response, () => this.entries.post(drafts), true);
      return;
    }
    const dto = validateDto(EntryDto, body);
    const idempotencyKey = idempotencyKeyOf(response.req.header('Idempotency-Key'));
    await postOrBusy(response, () => this.entries.post([draftOf(dto, idempotencyKey)]), false);
  }

  @Get()
  @RequireRole('operator')
  @ApiOperation({ summary: 'Entries recorded for a source event (operator)' })
  @ApiQuery({ name: 'sourceEventId', required: true })
  async bySource(
    @Query('sourceEventId') sourceEventId: string | undefined,
  ): Promise<{ entries: EntryView[] }> {
    return {
      entries: await this.entries.bySourceEvent(parseUuid('sourceEventId', sourceEventId ?? '')),
    };
  }

  @Get(':id')
  @RequireRole('operator')
  @ApiOperation({ summary: 'One journal entry with its lines (operator)' })
  async get(@Param('id') id: string): Promise<EntryView> {
    return this.entries.get(parseUuid('id', id));
  }

  @Post(':id/reversal')
  @RequireRole('operator')
  @ApiOperation({
    summary: 'Reverse an entry: a new entry with the sides swapped; once per entry (operator)',
  })
  @ApiHeader({ name: 'Idempotency-Key', required: true })
  async reverse(
    @Param('id') id: string,
    @IdempotencyKey() idempotencyKey: string,
    @Body() body: ReversalDto,
    @Res() response: Response,
  ): Promise<void> {
    const outcome = await this.entries.reverse(
      parseUuid('id', id),
      idempotencyKey,
      body.reason,
      body.effectiveAt ?? null,
    );
    send(response, outcome, false);
  }
}
