import { Controller, Req, Res } from '@nestjs/common';
import type { Response } from 'express';
import {
  type AuthenticatedRequest,
  Endpoint,
  Input,
  type RouteInput,
  actorOf,
} from '@credit/platform';
import { approveReferral, declineReferral, getReferral, listReferrals } from '@credit/api';
import { type ReferralView, ReferralsService } from './referrals.service';

function send(response: Response, outcome: { referral: ReferralView; replayed: boolean }): void {
  response
    .status(outcome.replayed ? 200 : 201)
    .setHeader('Idempotent-Replayed', String(outcome.replayed))
    .json(outcome.referral);
}

@Controller()
export class ReferralsController {
  constructor(private readonly referrals: ReferralsService) {}

  @Endpoint(listReferrals)
  async list(
    @Input() { query }: RouteInput<typeof listReferrals>,
  ): Promise<{ referrals: ReferralView[]; nextCursor: string | null }> {
    return this.referrals.list(query.status, query.cursor, query.limit);
  }

  @Endpoint(getReferral)
  async get(@Input() { params }: RouteInput<typeof getReferral>): Promise<ReferralView> {
    return this.referrals.get(params.applicationId);
  }

  @Endpoint(approveReferral)
  async approve(
    @Input() { params, idempotencyKey, body }: RouteInput<typeof approveReferral>,
    @Req() request: AuthenticatedRequest,
    @Res() response: Response,
  ): Promise<void> {
    send(
      response,
      await this.referrals.approve(
        params.applicationId,
        idempotencyKey,
        body,
        actorOf(request.principal),
      ),
    );
  }

  @Endpoint(declineReferral)
  async decline(
    @Input() { params, idempotencyKey, body }: RouteInput<typeof declineReferral>,
    @Req() request: AuthenticatedRequest,
    @Res() response: Response,
  ): Promise<void> {
    send(
      response,
      await this.referrals.decline(
        params.applicationId,
        idempotencyKey,
        body,
        actorOf(request.principal),
      ),
    );
  }
}
