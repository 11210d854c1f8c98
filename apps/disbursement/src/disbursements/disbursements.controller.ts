import { Controller } from '@nestjs/common';
import { Actor, Endpoint, Input, type RouteInput } from '@credit/platform';
import { getDisbursement, reconcilePayouts, settleMerchants } from '@credit/api';
import { PayoutReconciliationService } from '../payouts/payout-reconciliation.service';
import { DisbursementsService } from './disbursements.service';

@Controller()
export class DisbursementsController {
  constructor(
    private readonly disbursements: DisbursementsService,
    private readonly reconciliation: PayoutReconciliationService,
  ) {}

  @Endpoint(getDisbursement)
  async get(@Input() { params }: RouteInput<typeof getDisbursement>) {
    return this.disbursements.get(params.loanId);
  }

  @Endpoint(settleMerchants)
  async settle(@Input() { body }: RouteInput<typeof settleMerchants>, @Actor() actor: string) {
    return this.disbursements.settleMerchants(body.businessDate, actor);
  }

  @Endpoint(reconcilePayouts)
  async reconcilePayouts(
    @Input() { body }: RouteInput<typeof reconcilePayouts>,
    @Actor() actor: string,
  ) {
    return this.reconciliation.reconcile(body.businessDate, actor);
  }
}
