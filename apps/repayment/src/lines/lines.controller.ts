import { Controller } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Money } from '@credit/money';
import { Endpoint, Input, type RouteInput } from '@credit/platform';
import { lineExposure } from '../api/repayment-api';

@Controller()
export class LinesController {
  constructor(private readonly dataSource: DataSource) {}

  @Endpoint(lineExposure)
  async exposure(@Input() { params: { lineId } }: RouteInput<typeof lineExposure>) {
    const rows = await this.dataSource.query<
      { currency: string; outstanding: string; loans: number }[]
    >(
      `SELECT currency, sum(principal - principal_paid)::text AS outstanding, count(*)::int AS loans
         FROM loans WHERE line_id = $1 AND status = 'active' GROUP BY currency ORDER BY currency`,
      [lineId],
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
