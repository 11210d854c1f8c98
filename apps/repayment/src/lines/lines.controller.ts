import { Controller } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Money } from '@credit/money';
import {
  Caller,
  Endpoint,
  Input,
  type Principal,
  type RouteInput,
  customerScopeOf,
} from '@credit/platform';
import { repaymentLineExposure } from '@credit/api';
import { LoanStore } from '../infrastructure/loan-store';

@Controller()
export class LinesController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly store: LoanStore,
  ) {}

  /**
   * A customer sees only their own loans on the line: another customer's line answers exactly as
   * a line with nothing drawn (which is also what an unknown line answers), so it is neither
   * shown nor confirmed to exist.
   */
  @Endpoint(repaymentLineExposure)
  async exposure(
    @Input() { params: { lineId } }: RouteInput<typeof repaymentLineExposure>,
    @Caller() caller: Principal | undefined,
  ) {
    const rows = await this.store.lineDrawn(
      this.dataSource.manager,
      lineId,
      customerScopeOf(caller),
    );
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
