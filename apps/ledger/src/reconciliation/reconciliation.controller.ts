import { Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import {
  type AuthenticatedRequest,
  DomainError,
  IdempotencyKey,
  RequireRole,
  actorOf,
} from '@credit/platform';
import { ReconciliationService } from './reconciliation.service';

@ApiTags('reports')
@Controller('v1/reconciliation')
export class ReconciliationController {
  constructor(private readonly reconciliation: ReconciliationService) {}

  @Post('runs')
  @RequireRole('operator')
  @ApiHeader({ name: 'Idempotency-Key', required: true })
  @ApiOperation({
    summary: 'Start a reconciliation run in the background (operator)',
    description:
      'Answers 202 with the run (id, status running, progress) at once; the run checks, set-based, every loan position (projected from the repayment changelog) against the ledger balances of that loan and every loan account against a position, every posted event with exactly one entry and back, and the trial balance zero per currency. Follow it with GET /v1/reconciliation/runs/{id}. The same Idempotency-Key answers 200 with the run it started.',
  })
  async start(
    @IdempotencyKey() key: string,
    @Req() request: AuthenticatedRequest,
    @Res() res: Response,
  ): Promise<void> {
    const { run, replayed } = await this.reconciliation.start(key, actorOf(request.principal));
    res
      .status(replayed ? 200 : 202)
      .setHeader('Idempotent-Replayed', String(replayed))
      .setHeader('Location', `/v1/reconciliation/runs/${run.id}`)
      .json(run);
  }

  @Get('runs')
  @RequireRole('operator')
  @ApiOperation({
    summary: 'The reconciliation runs, daily and on demand, latest first (operator)',
  })
  async runs() {
    return { runs: await this.reconciliation.list() };
  }

  @Get('runs/:id')
  @RequireRole('operator')
  @ApiOperation({
    summary:
      'A reconciliation run: status, progress (loans checked of total) and its report (operator)',
    description:
      'While running: status running, progress.loansChecked of progress.loansTotal, report null. Completed: ok, the number of breaks and the report (per loan component both figures and the difference, with the position version and both update times; events without entry and back; trial balance per currency). Failed: the error.',
  })
  async run(@Param('id') id: string) {
    const { run, report } = await this.reconciliation.get(id);
    return { ...run, report };
  }

  @Get()
  @RequireRole('operator')
  @ApiOperation({
    summary: 'The latest completed reconciliation run and its report (operator)',
    description:
      'Reads the stored verdict, never computes: start a run with POST /v1/reconciliation/runs. 404 until a run has completed.',
  })
  async latest() {
    const latest = await this.reconciliation.latest();
    if (!latest) {
      throw new DomainError(
        'LEDGER.RECONCILIATION_RUN_NOT_FOUND',
        'no reconciliation run has completed yet: start one with POST /v1/reconciliation/runs',
        'not-found',
      );
    }
    return { ...latest.run, report: latest.report };
  }
}
