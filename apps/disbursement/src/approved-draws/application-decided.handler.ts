import { ApplicationDecidedV1 } from '@credit/contracts';
import { eventHandler } from '@credit/messaging';
import { DisbursementsService } from '../disbursements/disbursements.service';

/** application.decided → an approved draw becomes a loan to pay out; other decisions are not ours. */
export const ApplicationDecidedHandler = eventHandler(ApplicationDecidedV1, {
  name: 'disbursement.application-decided',
  service: DisbursementsService,
  handle: (event, manager, disbursements) => disbursements.onDecided(event, manager),
});
