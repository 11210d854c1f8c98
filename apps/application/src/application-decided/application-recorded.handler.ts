import { ApplicationRecordedV1 } from '@credit/contracts';
import { eventHandler } from '@credit/messaging';
import { ApplicationStore, applicationOfRecord } from '../infrastructure/application-store';

/**
 * The service's own changelog: restores an application it no longer has (a rebuild into an
 * emptied database); live, the application is already stored and nothing changes.
 */
export const ApplicationRecordedHandler = eventHandler(ApplicationRecordedV1, {
  name: 'application.application-recorded',
  service: ApplicationStore,
  handle: (event, manager, store) => store.insert(manager, applicationOfRecord(event.payload)),
});
