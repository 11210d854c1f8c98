import { Controller, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Actor, DomainError, Endpoint, Input, type RouteInput } from '@credit/platform';
import {
  cancelReplay,
  discardDeadLetters,
  getAdminAction,
  getReplay,
  listAdminActions,
  listDeadLetters,
  redriveDeadLetters,
  startReplay,
} from './admin-api';
import { type AdminAction, AdminAudit } from './admin-audit';
import { type DeadLetter, DeadLetterService } from './dead-letters.service';
import { ReplayService } from './replay.service';

/**
 * The admin surface every service carries: replay its input topics, handle its dead letters, and
 * the audit of every admin action. Admin role only.
 */
@Controller()
export class AdminController {
  constructor(
    private readonly audit: AdminAudit,
    private readonly replays: ReplayService,
    private readonly deadLetters: DeadLetterService,
  ) {}

  @Endpoint(listAdminActions)
  async actions(
    @Input() { query }: RouteInput<typeof listAdminActions>,
  ): Promise<{ actions: AdminAction[] }> {
    const { action, limit } = query;
    return { actions: await this.audit.list({ ...(action ? { action } : {}), limit }) };
  }

  @Endpoint(getAdminAction)
  async action(@Input() { params }: RouteInput<typeof getAdminAction>): Promise<AdminAction> {
    const action = await this.audit.get(params.id);
    if (!action)
      throw new DomainError('ADMIN.ACTION_NOT_FOUND', `no admin action ${params.id}`, 'not-found');
    return action;
  }

  @Endpoint(startReplay)
  async replay(
    @Input() { body, idempotencyKey }: RouteInput<typeof startReplay>,
    @Actor() actor: string,
    @Res({ passthrough: true }) response: Response,
  ): Promise<AdminAction> {
    const { selection, dryRun } = this.replays.selectionOf(body);
    const started = await this.replays.start({
      selection,
      dryRun,
      actor: actor,
      idempotencyKey,
    });
    response.status(started.replayed ? 200 : 202);
    return started.replayed ? this.replays.get(started.action.id) : started.action;
  }

  @Endpoint(getReplay)
  replayStatus(@Input() { params }: RouteInput<typeof getReplay>): Promise<AdminAction> {
    return this.replays.get(params.id);
  }

  @Endpoint(cancelReplay)
  cancel(@Input() { params }: RouteInput<typeof cancelReplay>): Promise<AdminAction> {
    return this.replays.cancel(params.id);
  }

  @Endpoint(listDeadLetters)
  async listDeadLetters(
    @Input() { query }: RouteInput<typeof listDeadLetters>,
  ): Promise<{ deadLetters: DeadLetter[] }> {
    return { deadLetters: await this.deadLetters.list(this.deadLetters.listFilterOf(query)) };
  }

  @Endpoint(redriveDeadLetters)
  redrive(
    @Input() { body, idempotencyKey }: RouteInput<typeof redriveDeadLetters>,
    @Actor() actor: string,
  ): Promise<AdminAction> {
    return this.deadLetters.redrive({
      filter: this.deadLetters.selectorFilterOf(body),
      actor: actor,
      idempotencyKey,
    });
  }

  @Endpoint(discardDeadLetters)
  discard(
    @Input() { body, idempotencyKey }: RouteInput<typeof discardDeadLetters>,
    @Actor() actor: string,
  ): Promise<AdminAction> {
    return this.deadLetters.discard({
      filter: this.deadLetters.selectorFilterOf(body),
      reason: body.reason,
      actor: actor,
      idempotencyKey,
    });
  }
}
