import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  BusinessDayClosedV1,
  type BusinessDayClosedV1Payload,
  type EventEnvelope,
  LoanStateRecordedV1,
  type LoanStateRecordedV1Payload,
} from '@credit/contracts';
import type { EventHandler } from '@credit/messaging';
import { LoanChangelog } from '../infrastructure/loan-changelog';

/** The service's own loan changelog: restores a loan when the stored one is older (a rebuild). */
@Injectable()
export class LoanStateRecordedHandler implements EventHandler<LoanStateRecordedV1Payload> {
  readonly name = 'repayment.loan-state-recorded';
  readonly definition = LoanStateRecordedV1;

  constructor(private readonly changelog: LoanChangelog) {}

  async handle(
    event: EventEnvelope<LoanStateRecordedV1Payload>,
    manager: EntityManager,
  ): Promise<void> {
    await this.changelog.restore(manager, event.payload);
  }
}

/** The service's own closed business dates: restored when missing (a rebuild). */
@Injectable()
export class BusinessDayClosedHandler implements EventHandler<BusinessDayClosedV1Payload> {
  readonly name = 'repayment.business-day-closed';
  readonly definition = BusinessDayClosedV1;

  constructor(private readonly changelog: LoanChangelog) {}

  async handle(
    event: EventEnvelope<BusinessDayClosedV1Payload>,
    manager: EntityManager,
  ): Promise<void> {
    await this.changelog.restoreBusinessDay(manager, event.payload);
  }
}
