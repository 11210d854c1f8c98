import { Controller, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Caller, Endpoint, Input, type Principal, type RouteInput } from '@credit/platform';
import { getApplication, submitApplication } from '@credit/api';
import { ApplicationsService } from './applications.service';

@Controller()
export class ApplicationsController {
  constructor(private readonly applications: ApplicationsService) {}

  @Endpoint(submitApplication)
  async submit(
    @Input() { idempotencyKey, body }: RouteInput<typeof submitApplication>,
    @Caller() caller: Principal | undefined,
    @Res() response: Response,
  ): Promise<void> {
    const { application, replayed } = await this.applications.submit(idempotencyKey, body, caller);
    response
      .status(replayed ? 200 : 201)
      .setHeader('Idempotent-Replayed', String(replayed))
      .json(application);
  }

  @Endpoint(getApplication)
  async get(
    @Input() { params }: RouteInput<typeof getApplication>,
    @Caller() caller: Principal | undefined,
  ) {
    return this.applications.view(params.id, caller);
  }
}
