import { Controller, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Actor, Endpoint, Input, type RouteInput } from '@credit/platform';
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
    @Actor() actor: string,
    @Res() response: Response,
  ): Promise<void> {
    send(response, await this.referrals.approve(params.applicationId, idempotencyKey, body, actor));
  }

  @Endpoint(declineReferral)
  async decline(
    @Input() { params, idempotencyKey, body }: RouteInput<typeof declineReferral>,
    @Actor() actor: string,
    @Res() response: Response,
  ): Promise<void> {
    send(response, await this.referrals.decline(params.applicationId, idempotencyKey, body, actor));
  }
}
