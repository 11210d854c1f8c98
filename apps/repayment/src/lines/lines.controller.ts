import { Controller, Get, Param } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { Money } from '@credit/money';
import { RequireRole } from '@credit/platform';
import { LoanStore } from '../infrastructure/loan-store';

@ApiTags('loans')
@Controller('v1/lines')
export class LinesController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly store: LoanStore,
  ) {}

  @Get(':lineId/exposure')
  @RequireRole('customer')
  @ApiOperation({
    summary: 'What is drawn on a revolving line: principal outstanding of its active loans',
    description:
      "A draw raises it, principal repaid lowers it again; the line's available limit is its limit (application service) minus this.",
  })
  async exposure(@Param('lineId') lineId: string) {
    const rows = await this.store.lineDrawn(this.dataSource.manager, lineId);
    return {
      lineId,
      drawn: rows.map((row) => ({
        currency: row.currency,
        principalOutstanding: Money.of(row.outstanding, row.currency).toString(),
        activeLoans: row.loans,
      })),
    };
  }
}
