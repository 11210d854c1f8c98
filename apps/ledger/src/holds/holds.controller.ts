import { Controller, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Actor, Endpoint, Input, type RouteInput } from '@credit/platform';
import { createHold, getHold, postHold, voidHold } from '@credit/api';
import { type HoldView, HoldsService } from './holds.service';

function send(
  response: Response,
  outcome: { hold: HoldView; replayed: boolean },
  createdStatus: number,
): void {
  response
    .status(outcome.replayed ? 200 : createdStatus)
    .setHeader('Idempotent-Replayed', String(outcome.replayed))
    .json(outcome.hold);
}

@Controller()
export class HoldsController {
  constructor(private readonly holds: HoldsService) {}

  @Endpoint(createHold)
  async create(
    @Input() { idempotencyKey, body }: RouteInput<typeof createHold>,
    @Actor() actor: string,
    @Res() response: Response,
  ): Promise<void> {
    send(response, await this.holds.create(idempotencyKey, body, actor), 201);
  }

  @Endpoint(getHold)
  async get(@Input() { params }: RouteInput<typeof getHold>): Promise<HoldView> {
    return this.holds.get(params.id);
  }

  @Endpoint(postHold)
  async post(
    @Input() { params, idempotencyKey, body }: RouteInput<typeof postHold>,
    @Actor() actor: string,
    @Res() response: Response,
  ): Promise<void> {
    send(response, await this.holds.post(params.id, idempotencyKey, body, actor), 200);
  }

  @Endpoint(voidHold)
  async void(
    @Input() { params, idempotencyKey, body }: RouteInput<typeof voidHold>,
    @Actor() actor: string,
    @Res() response: Response,
  ): Promise<void> {
    send(response, await this.holds.void(params.id, idempotencyKey, body, actor), 200);
  }
}
