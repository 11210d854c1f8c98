import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequireRole } from '@credit/platform';
import { DailyReconciliation } from './daily-reconciliation';
import { type ReconciliationReport, ReconciliationService } from './reconciliation.service';

@ApiTags('reports')
@Controller('v1/reconciliation')
export class ReconciliationController {
  constructor(
    private readonly reconciliation: ReconciliationService,
    private readonly daily: DailyReconciliation,
  ) {}

  @Get('runs')
  @RequireRole('operator')
  @ApiOperation({ summary: 'The daily reconciliation runs, latest first (operator)' })
  async runs() {
    return { runs: await this.daily.runs() };
  }

  @Get()
  @RequireRole('operator')
  @ApiOperation({
    summary: 'Reconcile the books with the repayment service (operator)',
    description:
      'Per loan, principal, interest, fee and penalty outstanding in the repayment service against the ledger balances of that loan; every posted event with exactly one entry and back; the trial balance zero per currency. Breaks list the loan, both figures and the difference.',
  })
  async reconcile(): Promise<ReconciliationReport> {
    return this.reconciliation.reconcile();
  }
}
