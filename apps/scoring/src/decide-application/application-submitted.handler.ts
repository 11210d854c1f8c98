import { ApplicationSubmittedV1 } from '@credit/contracts';
import { eventHandler } from '@credit/messaging';
import { DecideApplicationService } from './decide-application.service';

/** application.submitted → the decision and application.decided, once per application. */
export const ApplicationSubmittedHandler = eventHandler(ApplicationSubmittedV1, {
  name: 'scoring.application-submitted',
  service: DecideApplicationService,
  handle: (event, manager, decisions) => decisions.onSubmitted(event, manager),
});
