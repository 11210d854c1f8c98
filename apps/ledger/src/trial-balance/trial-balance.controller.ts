import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { RequireRole, parseIsoTimestamp } from '@credit/platform';
import { type TrialBalance, TrialBalanceService } from './trial-balance.service';

@ApiTags('reports')
@Controller('v1/trial-balance')
export class TrialBalanceController {
  constructor(private readonly service: TrialBalanceService) {}

  @Get()
  @RequireRole('operator')
  @ApiOperation({
    summary: 'Trial balance now or as of a time (operator)',
    description:
      'Per currency, the total of debit balances and of credit balances (equal when the books balance), and every account with its signed balance (debit positive).',
  })
  @ApiQuery({ name: 'asOf', required: false })
  async get(@Query('asOf') asOf: string | undefined): Promise<TrialBalance> {
    return this.service.trialBalance(parseIsoTimestamp('asOf', asOf));
  }
}
