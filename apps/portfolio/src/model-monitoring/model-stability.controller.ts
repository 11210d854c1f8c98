import { Controller, Res } from '@nestjs/common';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { modelStabilityReport } from '@credit/api';
import { DomainError, Endpoint, Input, type RouteInput } from '@credit/platform';
import { type ModelStability, modelStability, modelStabilityCsv } from '../domain/stability';
import { ModelMonitoringStore } from '../infrastructure/model-monitoring-store';

@Controller()
export class ModelStabilityController {
  constructor(private readonly dataSource: DataSource) {}

  @Endpoint(modelStabilityReport)
  async stability(
    @Input() { query }: RouteInput<typeof modelStabilityReport>,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ModelStability | string> {
    const manager = this.dataSource.manager;
    const reference = await ModelMonitoringStore.reference(manager, query.modelVersion);
    if (!reference)
      throw new DomainError(
        'MODEL.NOT_DEPLOYED',
        query.modelVersion
          ? `modelVersion ${query.modelVersion} has not been announced by the scoring service`
          : 'no model has been announced by the scoring service yet',
        'not-found',
        { field: 'modelVersion' },
      );
    const live = await ModelMonitoringStore.liveCounts(manager, reference, query.from, query.to);
    if (live.every((count) => count === 0))
      throw new DomainError(
        'MODEL.NO_LIVE_SCORES',
        `${reference.modelVersion} made no scored decision from ${query.from} to ${query.to}`,
        'rejected',
        { field: 'from' },
      );
    const report = modelStability(reference, live, { from: query.from, to: query.to });
    if (query.format === 'json') return report;
    response.setHeader('Content-Type', 'text/csv; charset=utf-8');
    return modelStabilityCsv(report);
  }
}
