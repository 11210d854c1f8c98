import { Body, Controller, Get, Param, Post, Res } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { IdempotencyKey, RequireRole, parseUuid } from '@credit/platform';
import { CreateHoldDto, PostHoldDto, VoidHoldDto } from './holds.dto';
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

@ApiTags('holds')
@Controller('v1/holds')
export class HoldsController {
  constructor(private readonly holds: HoldsService) {}

  @Post()
  @RequireRole('operator')
  @ApiHeader({ name: 'Idempotency-Key', required: true })
  @ApiOperation({
    summary: 'Reserve an amount: pending debit and credit that limits count (operator)',
    description:
      'Limits are checked against posted plus reserved amounts. Expires automatically at expiresAt.',
  })
  async create(
    @IdempotencyKey() key: string,
    @Body() body: CreateHoldDto,
    @Res() response: Response,
  ): Promise<void> {
    send(response, await this.holds.create(key, body), 201);
  }

  @Get(':id')
  @RequireRole('operator')
  @ApiOperation({ summary: 'One hold and its state (operator)' })
  async get(@Param('id') id: string): Promise<HoldView> {
    return this.holds.get(parseUuid('id', id));
  }

  @Post(':id/post')
  @RequireRole('operator')
  @ApiHeader({ name: 'Idempotency-Key', required: true })
  @ApiOperation({
    summary: 'Post all or part of a hold as a journal entry; the rest is released (operator)',
    description:
      'Rejected with LEDGER.HOLD_ALREADY_POSTED, HOLD_ALREADY_VOIDED, HOLD_EXPIRED or HOLD_AMOUNT_EXCEEDED; nothing changes then.',
  })
  async post(
    @Param('id') id: string,
    @IdempotencyKey() key: string,
    @Body() body: PostHoldDto,
    @Res() response: Response,
  ): Promise<void> {
    send(response, await this.holds.post(parseUuid('id', id), key, body), 200);
  }

  @Post(':id/void')
  @RequireRole('operator')
  @ApiHeader({ name: 'Idempotency-Key', required: true })
  @ApiOperation({ summary: 'Release a hold without posting (operator)' })
  async void(
    @Param('id') id: string,
    @IdempotencyKey() key: string,
    @Body() body: VoidHoldDto,
    @Res() response: Response,
  ): Promise<void> {
    send(response, await this.holds.void(parseUuid('id', id), key, body), 200);
  }
}
