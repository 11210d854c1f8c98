import { Body, Controller, Post, Req, Res } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { AdminAudit, type AdminAction } from '@credit/messaging';
import { type AuthenticatedRequest, IdempotencyKey, RequireRole, actorOf } from '@credit/platform';
import { RebuildBalancesDto } from './rebuild-balances.dto';
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

@ApiTags('admin')
@Controller('v1/admin/ledger')
export class RebuildBalancesController {
  constructor(
    private readonly rebuild: RebuildBalancesService,
    private readonly audit: AdminAudit,
  ) {}

  @Post('rebuild-balances')
  @RequireRole('admin')
  @ApiHeader({ name: 'Idempotency-Key', required: true })
  @ApiOperation({
    summary: 'Recompute every balance from the journal and report the differences (admin)',
    description:
      'Posted debits, credits and line count from journal lines, pending amounts from pending holds, against each balances row. Writes nothing but the audit record unless apply is true; then the differing rows are locked and overwritten in one transaction. Audited as ledger.rebuild-balances; the same Idempotency-Key returns the first report without recomputing.',
  })
  async run(
    @IdempotencyKey() key: string,
    @Body() body: RebuildBalancesDto,
    @Req() request: AuthenticatedRequest,
    @Res() res: Response,
  ): Promise<void> {
    const apply = body.apply ?? false;
    const begun = await this.audit.begin({
      idempotencyKey: key,
      actor: actorOf(request.principal),
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
