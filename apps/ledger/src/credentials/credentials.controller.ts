import { Controller, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Actor, Endpoint, Input, type RouteInput } from '@credit/platform';
import {
  type CredentialView,
  createCredential,
  listCredentials,
  revokeCredential,
} from '@credit/api';
import { CredentialsService } from './credentials.service';

@Controller()
export class CredentialsController {
  constructor(private readonly credentials: CredentialsService) {}

  @Endpoint(createCredential)
  async create(
    @Input() { idempotencyKey, body }: RouteInput<typeof createCredential>,
    @Actor() actor: string,
    @Res() response: Response,
  ): Promise<void> {
    const { credential, replayed } = await this.credentials.issue(idempotencyKey, body, actor);
    response
      .status(replayed ? 200 : 201)
      .setHeader('Idempotent-Replayed', String(replayed))
      .setHeader('Cache-Control', 'no-store')
      .json(credential);
  }

  @Endpoint(listCredentials)
  async list(
    @Input() { query }: RouteInput<typeof listCredentials>,
  ): Promise<{ credentials: CredentialView[] }> {
    return { credentials: await this.credentials.list(query.status) };
  }

  @Endpoint(revokeCredential)
  async revoke(
    @Input() { params }: RouteInput<typeof revokeCredential>,
    @Actor() actor: string,
  ): Promise<CredentialView> {
    return this.credentials.revoke(params.id, actor);
  }
}
