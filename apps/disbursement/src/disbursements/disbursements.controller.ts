import { Controller } from '@nestjs/common';
import { Endpoint, Input, type RouteInput } from '@credit/platform';
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
  async settle(@Input() { body }: RouteInput<typeof settleMerchants>) {
    return this.disbursements.settleMerchants(body.businessDate);
  }

  @Endpoint(reconcilePayouts)
  async reconcilePayouts(@Input() { body }: RouteInput<typeof reconcilePayouts>) {
    return this.reconciliation.reconcile(body.businessDate);
  }
}
