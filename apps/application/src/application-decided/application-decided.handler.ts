import { ApplicationDecidedV1 } from '@credit/contracts';
import { eventHandler } from '@credit/messaging';
import { RecordDecisionService } from './record-decision.service';

/** application.decided → status, decision and (approved credit line) the line, once per event. */
export const ApplicationDecidedHandler = eventHandler(ApplicationDecidedV1, {
  name: 'application.application-decided',
  service: RecordDecisionService,
  handle: (event, manager, decisions) => decisions.onDecided(event, manager),
});
