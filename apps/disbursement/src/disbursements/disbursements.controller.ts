import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsISO8601, Matches } from 'class-validator';
import { RequireRole } from '@credit/platform';
import { PayoutReconciliationService } from '../payouts/payout-reconciliation.service';
import { DisbursementsService } from './disbursements.service';

export class SettlementDto {
  @ApiProperty({ example: '2026-11-25' })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'businessDate must be a date such as 2026-11-25' })
  @IsISO8601({ strict: true }, { message: 'businessDate must be a real calendar date' })
  businessDate!: string;
}

@ApiTags('disbursements')
@Controller('v1')
export class DisbursementsController {
  constructor(
    private readonly disbursements: DisbursementsService,
    private readonly reconciliation: PayoutReconciliationService,
  ) {}

  @Get('disbursements/:loanId')
  @RequireRole('operator')
  @ApiOperation({ summary: 'A disbursement with its state history (operator)' })
  async get(@Param('loanId') loanId: string) {
    return this.disbursements.get(loanId);
  }

  @Post('merchant-settlements')
  @RequireRole('operator')
  @ApiOperation({
    summary:
      'Run the merchant settlement batch for a date (operator); idempotent per merchant and date',
  })
  async settle(@Body() body: SettlementDto) {
    return this.disbursements.settleMerchants(body.businessDate);
  }

  @Post('payout-reconciliations')
  @RequireRole('operator')
  @ApiOperation({
    summary:
      "Reconcile the bank's statement for a date against the payouts (operator); announces it to the ledger",
  })
  async reconcilePayouts(@Body() body: SettlementDto) {
    return this.reconciliation.reconcile(body.businessDate);
  }
}
