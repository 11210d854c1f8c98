import { Controller, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Endpoint, Input, type RouteInput } from '@credit/platform';
import { getApplication, submitApplication } from '@credit/api';
import { ApplicationsService } from './applications.service';

@Controller()
export class ApplicationsController {
  constructor(private readonly applications: ApplicationsService) {}

  @Endpoint(submitApplication)
  async submit(
    @Input() { idempotencyKey, body }: RouteInput<typeof submitApplication>,
    @Res() response: Response,
  ): Promise<void> {
    const { application, replayed } = await this.applications.submit(idempotencyKey, body);
    response
      .status(replayed ? 200 : 201)
      .setHeader('Idempotent-Replayed', String(replayed))
      .json(application);
  }

  @Endpoint(getApplication)
  async get(@Input() { params }: RouteInput<typeof getApplication>) {
    return this.applications.view(params.id);
  }
}
