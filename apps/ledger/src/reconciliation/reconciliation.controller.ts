import { Controller, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Actor, DomainError, Endpoint, Input, type RouteInput } from '@credit/platform';
import {
  getReconciliationRun,
  latestReconciliation,
  listReconciliationRuns,
  startReconciliation,
} from '@credit/api';
import { ReconciliationService } from './reconciliation.service';

@Controller()
export class ReconciliationController {
  constructor(private readonly reconciliation: ReconciliationService) {}

  @Endpoint(startReconciliation)
  async start(
    @Input() { idempotencyKey: key }: RouteInput<typeof startReconciliation>,
    @Actor() actor: string,
    @Res() res: Response,
  ): Promise<void> {
    const { run, replayed } = await this.reconciliation.start(key, actor);
    res
      .status(replayed ? 200 : 202)
      .setHeader('Idempotent-Replayed', String(replayed))
      .setHeader('Location', `/v1/reconciliation/runs/${run.id}`)
      .json(run);
  }

  @Endpoint(listReconciliationRuns)
  async runs() {
    return { runs: await this.reconciliation.list() };
  }

  @Endpoint(getReconciliationRun)
  async run(@Input() { params }: RouteInput<typeof getReconciliationRun>) {
    const { run, report } = await this.reconciliation.get(params.id);
    return { ...run, report };
  }

  @Endpoint(latestReconciliation)
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
