import { Controller } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DomainError, Endpoint, Input, type RouteInput } from '@credit/platform';
import { getDecision } from '@credit/api';
import { DecisionStore } from '../infrastructure/decision-store';
import { decisionView } from './decision-view';

@Controller()
export class DecisionsController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly store: DecisionStore,
  ) {}

  @Endpoint(getDecision)
  async get(@Input() { params: { applicationId } }: RouteInput<typeof getDecision>) {
    const row = await this.store.find(this.dataSource.manager, applicationId);
    if (!row) {
      throw new DomainError(
        'SCORING.DECISION_NOT_FOUND',
        `no decision for application ${applicationId}`,
        'not-found',
      );
    }
    return decisionView(row);
  }
}
