import { Controller } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DomainError, Endpoint, Input, type RouteInput } from '@credit/platform';
import { scoringLineExposure } from '@credit/api';
import { availableOnLine } from '../domain/line-exposure';
import { DecisionStore } from '../infrastructure/decision-store';

@Controller()
export class LinesController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly store: DecisionStore,
  ) {}

  @Endpoint(scoringLineExposure)
  async exposure(@Input() { params: { lineId } }: RouteInput<typeof scoringLineExposure>) {
    const line = await this.store.line(this.dataSource.manager, lineId);
    if (!line) {
      throw new DomainError(
        'SCORING.LINE_NOT_FOUND',
        `no approved credit line ${lineId}`,
        'not-found',
      );
    }
    return {
      lineId,
      customerId: line.customerId,
      limit: line.limit.toJSON(),
      principalOutstanding: line.principalOutstanding.toJSON(),
      drawsInFlight: line.drawsInFlight.toJSON(),
      available: availableOnLine(line).toJSON(),
    };
  }
}
