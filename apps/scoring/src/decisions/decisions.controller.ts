import { Controller, Get, Param } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { Money } from '@credit/money';
import { DomainError, RequireRole } from '@credit/platform';
import { DecisionStore } from '../infrastructure/decision-store';

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
    return {
      applicationId: row.application_id,
      customerId: row.customer_id,
      kind: row.kind,
      decision: row.decision,
      modelVersion: row.model_version,
      score: row.score,
      pd: row.pd,
      priceTier: row.price_tier,
      lineId: row.line_id,
      grantedAmount:
        row.granted_amount === null ? null : Money.of(row.granted_amount, row.currency).toJSON(),
      reasons: row.reasons,
      rulesFired: row.rules_fired,
      pointsByAttribute: row.points,
      submittedOn: row.submitted_on,
      inputs: row.inputs,
      published: row.outcome,
      sourceEventId: row.source_event_id,
      decidedEventId: row.decided_event_id,
      decidedAt: row.decided_at,
    };
  }
}
