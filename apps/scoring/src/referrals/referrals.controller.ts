import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { type AuthenticatedRequest, IdempotencyKey, RequireRole, actorOf } from '@credit/platform';
import { ReferralError } from '../domain/referral';
import { ApproveReferralDto, DeclineReferralDto } from './referrals.dto';
import { ReferralPageMax, type ReferralView, ReferralsService } from './referrals.service';

const ReferralStatuses = ['pending', 'resolved'] as const;

@ApiTags('referrals')
@Controller('v1/referrals')
export class ReferralsController {
  constructor(private readonly referrals: ReferralsService) {}

  @Get()
  @RequireRole('operator')
  @ApiOperation({
    summary:
      'The queue of referred applications, oldest first, with their decision records (operator)',
    description:
      'status=pending (default): referrals waiting for an operator; status=resolved: those approved or declined, with the audit record of who decided, when and why.',
  })
  @ApiQuery({ name: 'status', required: false, enum: ReferralStatuses })
  @ApiQuery({ name: 'cursor', required: false })
  @ApiQuery({ name: 'limit', required: false, example: 50 })
  async list(
    @Query('status') status: string | undefined,
    @Query('cursor') cursor: string | undefined,
    @Query('limit') limit: string | undefined,
  ): Promise<{ referrals: ReferralView[]; nextCursor: string | null }> {
    const wanted = status ?? 'pending';
    if (wanted !== 'pending' && wanted !== 'resolved') {
      throw new ReferralError('REFERRAL.INVALID', 'status must be "pending" or "resolved"', {
        field: 'status',
      });
    }
    return this.referrals.list(wanted, cursor, pageLimit(limit));
  }

  @Get(':applicationId')
  @RequireRole('operator')
  @ApiOperation({
    summary: 'One referral: its decision record and, once resolved, its audit record',
  })
  async get(@Param('applicationId') applicationId: string): Promise<ReferralView> {
    return this.referrals.get(applicationId);
  }

  @Post(':applicationId/approve')
  @RequireRole('operator')
  @ApiHeader({ name: 'Idempotency-Key', required: true })
  @ApiOperation({
    summary: 'Approve a referral at a price tier and (a credit line) a limit within policy',
    description:
      'Publishes application.decided (approved) like an automatic approval: the application records it, a line opens in the ledger, a draw is paid out. 201 with the referral and its audit record; the same Idempotency-Key and body answer 200 (Idempotent-Replayed: true), another body 409. A tier other than A, B, C or a malformed limit is 400, a limit beyond the tier or the exposure cap (or a draw beyond its line) 422, each naming the field; a referral already resolved 409 REFERRAL.NOT_PENDING.',
  })
  async approve(
    @Param('applicationId') applicationId: string,
    @IdempotencyKey() idempotencyKey: string,
    @Body() body: ApproveReferralDto,
    @Req() request: AuthenticatedRequest,
    @Res() response: Response,
  ): Promise<void> {
    const { referral, replayed } = await this.referrals.approve(
      applicationId,
      idempotencyKey,
      body,
      actorOf(request.principal),
    );
    response
      .status(replayed ? 200 : 201)
      .setHeader('Idempotent-Replayed', String(replayed))
      .json(referral);
  }

  @Post(':applicationId/decline')
  @RequireRole('operator')
  @ApiHeader({ name: 'Idempotency-Key', required: true })
  @ApiOperation({
    summary: 'Decline a referral with a reason code',
    description:
      'Publishes application.decided (declined) with the reason code first among the reasons. 201; the same key and body 200 (Idempotent-Replayed: true), another body 409; an unknown reasonCode 400; a referral already resolved 409 REFERRAL.NOT_PENDING.',
  })
  async decline(
    @Param('applicationId') applicationId: string,
    @IdempotencyKey() idempotencyKey: string,
    @Body() body: DeclineReferralDto,
    @Req() request: AuthenticatedRequest,
    @Res() response: Response,
  ): Promise<void> {
    const { referral, replayed } = await this.referrals.decline(
      applicationId,
      idempotencyKey,
      body,
      actorOf(request.principal),
    );
    response
      .status(replayed ? 200 : 201)
      .setHeader('Idempotent-Replayed', String(replayed))
      .json(referral);
  }
}

function pageLimit(value: string | undefined): number {
  if (value === undefined) return 50;
  if (!/^\d{1,3}$/.test(value) || Number(value) < 1 || Number(value) > ReferralPageMax) {
    throw new ReferralError(
      'REFERRAL.INVALID',
      `limit must be a whole number from 1 to ${ReferralPageMax}`,
      { field: 'limit' },
    );
  }
  return Number(value);
}
