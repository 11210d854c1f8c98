import { Controller, Res } from '@nestjs/common';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { Endpoint, Input, type RouteInput } from '@credit/platform';
import { delinquencyReport } from '@credit/api';
import {
  type DelinquencyRates,
  delinquencyCsv,
  delinquencyFromTotals,
} from '../domain/delinquency';
import { PortfolioStore } from '../infrastructure/portfolio-store';

@Controller()
export class ReportsController {
  constructor(private readonly dataSource: DataSource) {}

  @Endpoint(delinquencyReport)
  async delinquency(
    @Input() { query }: RouteInput<typeof delinquencyReport>,
    @Res({ passthrough: true }) response: Response,
  ): Promise<DelinquencyRates | string> {
    const totals = await PortfolioStore.delinquencyTotals(
      this.dataSource.manager,
      query.asOf,
      query.currency,
    );
    const report = delinquencyFromTotals(query.asOf, totals);
    if (query.format === 'json') return report;
    response.setHeader('Content-Type', 'text/csv; charset=utf-8');
    return delinquencyCsv(report);
  }
}
