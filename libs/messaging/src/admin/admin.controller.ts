import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import {
  type AuthenticatedRequest,
  DomainError,
  IdempotencyKey,
  RequireRole,
  actorOf,
  parseUuid,
} from '@credit/platform';
import { type AdminAction, AdminActionListMax, AdminAudit } from './admin-audit';
import { invalidField } from './admin-input';
import { type DeadLetter, DeadLetterService } from './dead-letters.service';
import { ReplayService } from './replay.service';

/**
 * The admin surface every service carries: replay its input topics, handle its dead letters, and
 * the audit of every admin action. Admin role only.
 */
@ApiTags('admin')
@Controller('v1/admin')
@RequireRole('admin')
@ApiResponse({ status: 401, description: 'missing or unknown API key' })
@ApiResponse({ status: 403, description: 'the key lacks the admin role' })
export class AdminController {
  constructor(
    private readonly audit: AdminAudit,
    private readonly replays: ReplayService,
    private readonly deadLetters: DeadLetterService,
  ) {}

  @Get('actions')
  @ApiOperation({ summary: 'The audit of admin actions, newest first (?action=replay&limit=100)' })
  async actions(
    @Query('action') action: string | undefined,
    @Query('limit') limit: string | undefined,
  ): Promise<{ actions: AdminAction[] }> {
    const max = limit === undefined ? 100 : Number(limit);
    if (!/^\d+$/.test(limit ?? '100') || max < 1 || max > AdminActionListMax) {
      throw invalidField('limit', `must be a whole number from 1 to ${AdminActionListMax}`);
    }
    return { actions: await this.audit.list({ ...(action ? { action } : {}), limit: max }) };
  }

  @Get('actions/:id')
  @ApiOperation({ summary: 'One admin action with its selection and report' })
  async action(@Param('id') id: string): Promise<AdminAction> {
    const action = await this.audit.get(parseUuid('id', id));
    if (!action)
      throw new DomainError('ADMIN.ACTION_NOT_FOUND', `no admin action ${id}`, 'not-found');
    return action;
  }

  @Post('replays')
  @ApiOperation({
    summary:
      'Replay input topics into this service (its own consumer group; applied at most once by event id). ' +
      'Body: topics, from (earliest | ISO time), to, partition, fromOffset, toOffset, eventTypes, aggregateId, dryRun',
  })
  @ApiResponse({ status: 202, description: 'started; poll GET /v1/admin/replays/{id}' })
  async replay(
    @Body() body: unknown,
    @IdempotencyKey() idempotencyKey: string,
    @Req() request: AuthenticatedRequest,
    @Res({ passthrough: true }) response: Response,
  ): Promise<AdminAction> {
    const { selection, dryRun } = this.replays.parseSelection(body);
    const started = await this.replays.start({
      selection,
      dryRun,
      actor: actorOf(request.principal),
      idempotencyKey,
    });
    response.status(started.replayed ? 200 : 202);
    return started.replayed ? this.replays.get(started.action.id) : started.action;
  }

  @Get('replays/:id')
  @ApiOperation({ summary: 'A replay: status, progress (done/total, events/s, ETA), report' })
  replayStatus(@Param('id') id: string): Promise<AdminAction> {
    return this.replays.get(parseUuid('id', id));
  }

  @Post('replays/:id/cancel')
  @HttpCode(202)
  @ApiOperation({ summary: 'Cancel a running replay; what it applied stays applied' })
  cancel(@Param('id') id: string): Promise<AdminAction> {
    return this.replays.cancel(parseUuid('id', id));
  }

  @Get('dead-letters')
  @ApiOperation({
    summary:
      'Dead letters of this service with error and original message (?topic=&type=&status=open|redriven|discarded|all)',
  })
  async listDeadLetters(
    @Query() query: Record<string, unknown>,
  ): Promise<{ deadLetters: DeadLetter[] }> {
    return { deadLetters: await this.deadLetters.list(this.deadLetters.parseListFilter(query)) };
  }

  @Post('dead-letters/redrive')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Re-drive open dead letters (ids, or topic/type filter, or all: true); each applies at most once',
  })
  redrive(
    @Body() body: unknown,
    @IdempotencyKey() idempotencyKey: string,
    @Req() request: AuthenticatedRequest,
  ): Promise<AdminAction> {
    const { filter } = this.deadLetters.parseSelector(body, false);
    return this.deadLetters.redrive({ filter, actor: actorOf(request.principal), idempotencyKey });
  }

  @Post('dead-letters/discard')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Discard open dead letters with a reason (ids, or topic/type filter, or all: true)',
  })
  discard(
    @Body() body: unknown,
    @IdempotencyKey() idempotencyKey: string,
    @Req() request: AuthenticatedRequest,
  ): Promise<AdminAction> {
    const { filter, reason } = this.deadLetters.parseSelector(body, true);
    return this.deadLetters.discard({
      filter,
      reason: reason as string,
      actor: actorOf(request.principal),
      idempotencyKey,
    });
  }
}
