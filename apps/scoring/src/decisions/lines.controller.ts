import { Controller, Get, Param } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { DomainError, RequireRole } from '@credit/platform';
import { availableOnLine } from '../domain/line-exposure';
import { DecisionStore } from '../infrastructure/decision-store';

@ApiTags('lines')
@Controller('v1/lines')
export class LinesController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly store: DecisionStore,
  ) {}

  @Get(':lineId/exposure')
  @RequireRole('operator')
  @ApiOperation({
    summary: 'What a draw on the line is decided against (operator)',
    description:
      'Limit, principal outstanding, draws in flight and available = limit − principal outstanding − draws in flight, as kept from the loan stream.',
  })
  async exposure(@Param('lineId') lineId: string) {
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
