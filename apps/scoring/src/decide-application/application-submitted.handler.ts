import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  ApplicationSubmittedV1,
  type ApplicationSubmittedV1Payload,
  type EventEnvelope,
} from '@credit/contracts';
import type { EventHandler } from '@credit/messaging';
import { DecideApplicationService } from './decide-application.service';

/** application.submitted → the decision and application.decided, once per application. */
@Injectable()
export class ApplicationSubmittedHandler implements EventHandler<ApplicationSubmittedV1Payload> {
  readonly name = 'scoring.application-submitted';
  readonly definition = ApplicationSubmittedV1;

  constructor(private readonly decisions: DecideApplicationService) {}

  async handle(
    event: EventEnvelope<ApplicationSubmittedV1Payload>,
    manager: EntityManager,
  ): Promise<void> {
    await this.decisions.onSubmitted(event, manager);
  }
}
