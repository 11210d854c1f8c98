import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  ApplicationDecidedV1,
  type ApplicationDecidedV1Payload,
  type EventEnvelope,
} from '@credit/contracts';
import type { EventHandler } from '@credit/messaging';
import { DisbursementsService } from '../disbursements/disbursements.service';

/** application.decided → an approved draw becomes a loan to pay out; other decisions are not ours. */
@Injectable()
export class ApplicationDecidedHandler implements EventHandler<ApplicationDecidedV1Payload> {
  readonly name = 'disbursement.application-decided';
  readonly definition = ApplicationDecidedV1;

  constructor(private readonly disbursements: DisbursementsService) {}

  async handle(
    event: EventEnvelope<ApplicationDecidedV1Payload>,
    manager: EntityManager,
  ): Promise<void> {
    await this.disbursements.onDecided(event, manager);
  }
}
