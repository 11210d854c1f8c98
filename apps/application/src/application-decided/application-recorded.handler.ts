import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  ApplicationRecordedV1,
  type ApplicationRecordedV1Payload,
  type EventEnvelope,
} from '@credit/contracts';
import type { EventHandler } from '@credit/messaging';
import { ApplicationStore, applicationOfRecord } from '../infrastructure/application-store';

/**
 * The service's own changelog: restores an application it no longer has (a rebuild into an
 * emptied database); live, the application is already stored and nothing changes.
 */
@Injectable()
export class ApplicationRecordedHandler implements EventHandler<ApplicationRecordedV1Payload> {
  readonly name = 'application.application-recorded';
  readonly definition = ApplicationRecordedV1;

  constructor(private readonly store: ApplicationStore) {}

  async handle(
    event: EventEnvelope<ApplicationRecordedV1Payload>,
    manager: EntityManager,
  ): Promise<void> {
    await this.store.insert(manager, applicationOfRecord(event.payload));
  }
}
