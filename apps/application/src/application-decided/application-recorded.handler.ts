import { ApplicationRecordedV1, PersonalDataErasedV1 } from '@credit/contracts';
import { eventHandler } from '@credit/messaging';
import { PersonalDataService } from '../personal-data/personal-data.service';

/**
 * The service's own changelog: restores an application it no longer has (a rebuild into an
 * emptied database); live, the application is already stored and nothing changes. One erased
 * before stays erased.
 */
export const ApplicationRecordedHandler = eventHandler(ApplicationRecordedV1, {
  name: 'application.application-recorded',
  service: PersonalDataService,
  handle: (event, manager, personalData) => personalData.restore(manager, event.payload),
});

/**
 * An erasure on the changelog: live, already applied (the erasure wrote it); replayed into a
 * rebuilt or restored database, it destroys again whatever data key and ciphertext came back.
 */
export const PersonalDataErasedHandler = eventHandler(PersonalDataErasedV1, {
  name: 'application.personal-data-erased',
  service: PersonalDataService,
  handle: (event, manager, personalData) => personalData.applyErased(manager, event.payload),
});
