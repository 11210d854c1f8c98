import { Controller, Get, Param } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { DomainError, RequireRole } from '@credit/platform';
import { DecisionStore } from '../infrastructure/decision-store';
import { decisionView } from './decision-view';

@ApiTags('decisions')
@Controller('v1/decisions')
export class DecisionsController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly store: DecisionStore,
  ) {}

  @Get(':applicationId')
  @RequireRole('operator')
  @ApiOperation({
    summary: 'A decision with everything it was made from (operator)',
    description:
      'The submitted payload, the points of every attribute, the rules that fired with their figures, score, pd, band tier, model version, the reasons and the application.decided payload published.',
  })
  async get(@Param('applicationId') applicationId: string) {
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
