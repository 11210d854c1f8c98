import { Controller } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Money } from '@credit/money';
import { Endpoint, Input, type RouteInput } from '@credit/platform';
import { repaymentLineExposure } from '@credit/api';
import { LoanStore } from '../infrastructure/loan-store';

@Controller()
export class LinesController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly store: LoanStore,
  ) {}

  @Endpoint(repaymentLineExposure)
  async exposure(@Input() { params: { lineId } }: RouteInput<typeof repaymentLineExposure>) {
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
