import { Body, Controller, Get, Param, Post, Query, Res } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { IdempotencyKey, RequireRole } from '@credit/platform';
import { RepaymentDto } from './loans.dto';
import { LoansService } from './loans.service';

@ApiTags('loans')
@Controller('v1/loans')
export class LoansController {
  constructor(private readonly loans: LoansService) {}

  @Get()
  @RequireRole('operator')
  @ApiQuery({ name: 'cursor', required: false })
  @ApiQuery({ name: 'limit', required: false, example: 200 })
  @ApiOperation({
    summary: 'Every loan with the receivables the ledger should carry for it, by cursor (operator)',
    description:
      'For reconciliation: principal, interest, fee and penalty outstanding as this service knows them; zero after a charge-off (the ledger has written them off).',
  })
  async list(
    @Query('cursor') cursor: string | undefined,
    @Query('limit') limit: string | undefined,
  ) {
    return this.loans.receivables(cursor ?? null, limit === undefined ? 200 : Number(limit));
  }

  @Get(':id')
  @RequireRole('customer')
  @ApiOperation({
    summary:
      'A loan: schedule with each installment state, outstanding by component, days past due, bucket, next due',
  })
  async get(@Param('id') id: string) {
    return this.loans.view(id);
  }

  @Post(':id/repayments')
  @RequireRole('customer')
  @ApiHeader({ name: 'Idempotency-Key', required: true })
  @ApiOperation({
    summary: 'Repay: allocated by the waterfall; an amount covering the payoff settles the loan',
    description:
      'Past-due penalty → interest → fee → principal, then due fee → interest → principal (90+ days past due: principal first). A daily-interest loan may prepay principal at any time. Anything left becomes a customer credit balance. The split is published as repayment.allocated and posted by the ledger.',
  })
  async repay(
    @Param('id') id: string,
    @IdempotencyKey() key: string,
    @Body() body: RepaymentDto,
    @Res() response: Response,
  ): Promise<void> {
    const { repayment, replayed } = await this.loans.repay(id, key, body);
    response
      .status(replayed ? 200 : 201)
      .setHeader('Idempotent-Replayed', String(replayed))
      .json(repayment);
  }

  @Post(':id/payoff-quote')
  @RequireRole('customer')
  @ApiQuery({ name: 'date', required: false, example: '2026-12-31' })
  @ApiOperation({
    summary: 'What settles the loan on a date: principal, interest to that date, fees, penalties',
  })
  async payoffQuote(@Param('id') id: string, @Query('date') date: string | undefined) {
    return this.loans.payoffQuote(id, date);
  }
}
