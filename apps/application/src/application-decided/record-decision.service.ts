import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { ApplicationDecidedV1Payload, EventEnvelope } from '@credit/contracts';
import { Money } from '@credit/money';
import { ApplicationError, decisionOutcome } from '../domain/application';
import { ApplicationStore } from '../infrastructure/application-store';

/**
 * application.decided → the application's status and decision; an approved credit line opens the
 * line. Runs inside the consumer's transaction with the inbox row, so one event applies once.
 */
@Injectable()
export class RecordDecisionService {
  constructor(private readonly store: ApplicationStore) {}

  async onDecided(
    event: EventEnvelope<ApplicationDecidedV1Payload>,
    manager: EntityManager,
  ): Promise<void> {
    const decision = event.payload;
    const application = await this.store.find(manager, decision.applicationId, true);
    if (!application) {
      // application.submitted leaves only after the insert commits, so a decision cannot overtake
      // its application: an unknown id is a decision from elsewhere (another environment, a
      // mistyped replay). Retrying cannot help; it goes to the DLQ for an operator.
      throw new ApplicationError(
        'APPLICATION.UNKNOWN_APPLICATION',
        `decision ${event.eventId} is for unknown application ${decision.applicationId}`,
        'not-found',
        false,
      );
    }
    const mismatch = (what: string) =>
      new ApplicationError(
        'APPLICATION.DECISION_MISMATCH',
        `decision ${event.eventId} for application ${application.id}: ${what}`,
        'conflict',
        false,
      );
    if (decision.customerId !== application.customer_id) throw mismatch('another customer id');
    if (decision.kind !== application.kind) throw mismatch(`kind ${decision.kind}`);
    if (
      decisionOutcome(application.id, application.status, decision.decision) === 'already-applied'
    )
      return;

    const approved = decision.decision === 'approved';
    let grantedLine: { lineId: string; limit: Money; priceTier: string } | null = null;
    let draw: ApplicationDecidedV1Payload['draw'] = null;
    if (approved && application.kind === 'credit-line') {
      if (!decision.creditLine) throw mismatch('an approved credit line without its line');
      const limit = Money.fromJSON(decision.creditLine.limit);
      if (limit.currency !== application.currency)
        throw mismatch(
          `a limit in ${limit.currency}, the application is in ${application.currency}`,
        );
      grantedLine = {
        lineId: decision.creditLine.lineId,
        limit,
        priceTier: decision.creditLine.priceTier,
      };
    }
    if (approved && application.kind === 'draw') {
      if (!decision.draw) throw mismatch('an approved draw without its pricing');
      if (decision.draw.lineId !== application.line_id) throw mismatch('another line');
      draw = decision.draw;
    }

    await this.store.recordDecision(manager, application.id, {
      status: decision.decision,
      eventId: event.eventId,
      modelVersion: decision.modelVersion,
      score: decision.score,
      pd: decision.pd,
      reasons: decision.reasons,
      rulesFired: decision.rulesFired,
      grantedLineId: grantedLine?.lineId ?? null,
      grantedLimit: grantedLine?.limit.toString() ?? null,
      priceTier: grantedLine?.priceTier ?? null,
      pricing: draw?.pricing ?? null,
      merchantFee: draw?.merchantFee ? Money.fromJSON(draw.merchantFee).toString() : null,
      decidedAt: decision.decidedAt,
    });
    if (grantedLine) {
      await this.store.insertLine(manager, {
        id: grantedLine.lineId,
        customerId: application.customer_id,
        applicationId: application.id,
        currency: grantedLine.limit.currency,
        limit: grantedLine.limit.toString(),
        priceTier: grantedLine.priceTier,
        openedAt: decision.decidedAt,
      });
    }
    // An approved draw needs nothing more here: disbursement consumes application.decided itself.
  }
}
