import { Controller, Res } from '@nestjs/common';
import type { Response } from 'express';
import { AdminAudit, type AdminAction } from '@credit/messaging';
import { Actor, Endpoint, Input, type RouteInput } from '@credit/platform';
import { rebuildBalances } from '@credit/api';
import { type RebuildReport, RebuildBalancesService } from './rebuild-balances.service';

export const RebuildBalancesAction = 'ledger.rebuild-balances';

/** The answer: the admin action that ran (or ran first, for a repeated key) and its report. */
export type RebuildBalancesResponse = Partial<RebuildReport> & {
  actionId: string;
  status: AdminAction['status'];
  dryRun: boolean;
  replayed: boolean;
  error: string | null;
};

function response(action: AdminAction, replayed: boolean): RebuildBalancesResponse {
  return {
    actionId: action.id,
    status: action.status,
    dryRun: action.dryRun,
    replayed,
    error: action.error,
    ...(action.result ?? {}),
  };
}

@Controller()
export class RebuildBalancesController {
  constructor(
    private readonly rebuild: RebuildBalancesService,
    private readonly audit: AdminAudit,
  ) {}

  @Endpoint(rebuildBalances)
  async run(
    @Input() { idempotencyKey: key, body }: RouteInput<typeof rebuildBalances>,
    @Actor() actor: string,
    @Res() res: Response,
  ): Promise<void> {
    const apply = body.apply ?? false;
    const begun = await this.audit.begin({
      idempotencyKey: key,
      actor: actor,
      action: RebuildBalancesAction,
      selection: {},
      dryRun: !apply,
    });
    if (begun.replayed) {
      res.status(200).setHeader('Idempotent-Replayed', 'true').json(response(begun.action, true));
      return;
    }
    let report: RebuildReport;
    try {
      report = await this.rebuild.rebuild(apply);
    } catch (error) {
      await this.audit.finish(
        begun.action.id,
        'failed',
        {},
        error instanceof Error ? error.message : String(error),
      );
      throw error;
    }
    await this.audit.finish(begun.action.id, 'succeeded', { ...report });
    const finished = (await this.audit.get(begun.action.id)) ?? begun.action;
    res.status(200).setHeader('Idempotent-Replayed', 'false').json(response(finished, false));
  }
}
