import { Controller, Res } from '@nestjs/common';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { Endpoint, Input, type RouteInput } from '@credit/platform';
import { concentrationReport, delinquencyReport, rollRateReport, vintageReport } from '@credit/api';
import { type Concentration, concentration, concentrationCsv } from '../domain/concentration';
import {
  type DelinquencyRates,
  delinquencyCsv,
  delinquencyFromTotals,
} from '../domain/delinquency';
import { monthEnd } from '../domain/position';
import { type RollRateRow, rollRateCsv, rollRateMatrix } from '../domain/roll-rates';
import { type VintageCurve, vintageCsv, vintageCurvesFromCounts } from '../domain/vintage';
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

  @Endpoint(rollRateReport)
  async rollRates(
    @Input() { query }: RouteInput<typeof rollRateReport>,
    @Res({ passthrough: true }) response: Response,
  ): Promise<{ from: string; to: string; currency: string; rows: RollRateRow[] } | string> {
    const counts = await PortfolioStore.rollRateCounts(
      this.dataSource.manager,
      monthEnd(query.from),
      monthEnd(query.to),
      query.currency,
    );
    const rows = rollRateMatrix(query.currency, counts);
    if (query.format === 'json')
      return { from: query.from, to: query.to, currency: query.currency, rows };
    response.setHeader('Content-Type', 'text/csv; charset=utf-8');
    return rollRateCsv(query.from, query.to, rows);
  }

  @Endpoint(concentrationReport)
  async concentrationOf(
    @Input() { query }: RouteInput<typeof concentrationReport>,
    @Res({ passthrough: true }) response: Response,
  ): Promise<Concentration | string> {
    const cells = await PortfolioStore.concentrationCells(
      this.dataSource.manager,
      query.asOf,
      query.currency,
    );
    const report = concentration(query.asOf, query.currency, cells);
    if (query.format === 'json') return report;
    response.setHeader('Content-Type', 'text/csv; charset=utf-8');
    return concentrationCsv(report);
  }

  @Endpoint(vintageReport)
  async vintages(
    @Input() { query }: RouteInput<typeof vintageReport>,
    @Res({ passthrough: true }) response: Response,
  ): Promise<{ asOf: string; currency: string; curves: VintageCurve[] } | string> {
    const counts = await PortfolioStore.vintageCounts(
      this.dataSource.manager,
      monthEnd(query.asOf),
      query.currency,
    );
    const curves = vintageCurvesFromCounts(query.currency, query.asOf, counts);
    if (query.format === 'json') return { asOf: query.asOf, currency: query.currency, curves };
    response.setHeader('Content-Type', 'text/csv; charset=utf-8');
    return vintageCsv(query.currency, curves);
  }
}
