import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  ApplicationDecidedV1,
  type ApplicationDecidedV1Payload,
  type EventEnvelope,
} from '@credit/contracts';
import type { EventHandler } from '@credit/messaging';
import { RecordDecisionService } from './record-decision.service';

/** application.decided → status, decision and (approved credit line) the line, once per event. */
@Injectable()
export class ApplicationDecidedHandler implements EventHandler<ApplicationDecidedV1Payload> {
  readonly name = 'application.application-decided';
  readonly definition = ApplicationDecidedV1;

  constructor(private readonly decisions: RecordDecisionService) {}

  async handle(
    event: EventEnvelope<ApplicationDecidedV1Payload>,
    manager: EntityManager,
  ): Promise<void> {
    await this.decisions.onDecided(event, manager);
  }
}
