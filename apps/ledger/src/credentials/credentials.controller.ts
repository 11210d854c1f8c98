import { Controller, Req, Res } from '@nestjs/common';
import type { Response } from 'express';
import {
  type AuthenticatedRequest,
  Endpoint,
  Input,
  type RouteInput,
  actorOf,
} from '@credit/platform';
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
    @Req() request: AuthenticatedRequest,
    @Res() response: Response,
  ): Promise<void> {
    const { credential, replayed } = await this.credentials.issue(
      idempotencyKey,
      body,
      actorOf(request.principal),
    );
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
    @Req() request: AuthenticatedRequest,
  ): Promise<CredentialView> {
    return this.credentials.revoke(params.id, actorOf(request.principal));
  }
}
