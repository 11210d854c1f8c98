import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import type { EntityManager } from 'typeorm';
import {
  ApplicationDecidedV1,
  type ApplicationDecidedV1Payload,
  type ApplicationSubmittedV1Payload,
  type EventEnvelope,
} from '@credit/contracts';
import { OutboxWriter } from '@credit/messaging';
import { LOGGER, PLATFORM_CONFIG } from '@credit/platform';
import type { Scorecard } from '@credit/scorecard';
import { type ScoringConfig, policyLimitsOf } from '../config/env';
import { creditRequestOf, requestedAmount } from '../domain/credit-request';
import { type Decision, decide } from '../domain/decide';
import type { PolicyLimits } from '../domain/rules';
import { DecisionStore } from '../infrastructure/decision-store';
import { SCORECARD } from '../infrastructure/scorecard-artifact';

/** The id of the line an approved credit-line application opens: derived, so a replay agrees. */
export function lineIdFor(applicationId: string): string {
  return `CL-${createHash('sha256').update(applicationId, 'utf8').digest('hex').slice(0, 32)}`;
}

/** The published view of a decision (application.decided v1). */
export function decidedPayload(
  submitted: ApplicationSubmittedV1Payload,
  decision: Pick<
    Decision,
    'decision' | 'modelVersion' | 'score' | 'pd' | 'reasons' | 'rulesFired' | 'creditLine' | 'draw'
  >,
  decidedAt: string,
): ApplicationDecidedV1Payload {
  const { creditLine, draw } = decision;
  return {
    applicationId: submitted.applicationId,
    customerId: submitted.customerId,
    kind: submitted.kind,
    decision: decision.decision,
    modelVersion: decision.modelVersion,
    score: decision.score,
    pd: decision.pd,
    reasons: decision.reasons.map((r) => ({ code: r.code, text: r.text })),
    rulesFired: [...new Set(decision.rulesFired.map((hit) => hit.code))],
    creditLine: creditLine
      ? {
          lineId: lineIdFor(submitted.applicationId),
          limit: creditLine.limit.toJSON(),
          priceTier: creditLine.priceTier,
        }
      : null,
    draw:
      draw && submitted.draw
        ? {
            ...submitted.draw,
            feePayer: draw.pricing.feePayer,
            pricing: draw.pricing,
            merchantFee: draw.merchantFee?.toJSON() ?? null,
          }
        : null,
    decidedAt,
  };
}

/**
 * application.submitted → one stored decision and application.decided, in the consumer's
 * transaction (the outbox row commits with the decision). A second event for an application that
 * already has a decision changes nothing.
 */
@Injectable()
export class DecideApplicationService {
  private readonly limits: PolicyLimits;

  constructor(
    @Inject(SCORECARD) private readonly card: Scorecard,
    private readonly store: DecisionStore,
    private readonly outbox: OutboxWriter,
    @Inject(PLATFORM_CONFIG) config: ScoringConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.limits = policyLimitsOf(config);
  }

  async onSubmitted(
    event: EventEnvelope<ApplicationSubmittedV1Payload>,
    manager: EntityManager,
  ): Promise<void> {
    const submitted = event.payload;
    await this.store.lockCustomer(manager, submitted.customerId);
    if (await this.store.exists(manager, submitted.applicationId)) return;

    const request = creditRequestOf(submitted);
    const currency = requestedAmount(request.requested).currency;
    const day = new Date(submitted.submittedAt).toISOString().slice(0, 10);
    const history = await this.store.history(
      manager,
      submitted.customerId,
      day,
      currency,
      submitted.draw?.lineId ?? null,
    );
    const decision = decide(this.card, request, history, this.limits);
    const decidedAt = new Date().toISOString();
    const outcome = decidedPayload(submitted, decision, decidedAt);
    // Derived from the submission it decides: deciding it again (a rebuild) gives the same id.
    const decidedEventId = this.outbox.causedEventId(
      { source: 'decide', id: event.eventId },
      ApplicationDecidedV1.type,
      submitted.applicationId,
    );
    const inserted = await this.store.insert(manager, {
      applicationId: submitted.applicationId,
      customerId: submitted.customerId,
      kind: submitted.kind,
      decision: decision.decision,
      submittedOn: day,
      currency,
      lineId: outcome.creditLine?.lineId ?? submitted.draw?.lineId ?? null,
      grantedAmount:
        decision.creditLine?.limit ??
        (decision.draw && request.requested.kind === 'draw' ? request.requested.amount : null),
      priceTier: decision.priceTier,
      modelVersion: decision.modelVersion,
      score: decision.score,
      pd: decision.pd,
      points: decision.pointsByAttribute,
      rulesFired: decision.rulesFired,
      reasons: decision.reasons,
      inputs: submitted,
      outcome,
      sourceEventId: event.eventId,
      decidedEventId,
      decidedAt,
    });
    if (!inserted) return; // decided meanwhile under another customer id: the first decision stands
    // The line's exposure moves in the decision's transaction, under the line's row lock taken by
    // history(): a new line starts empty, an approved draw is in flight until its payout ends.
    if (outcome.creditLine && decision.creditLine) {
      await this.store.openLine(
        manager,
        outcome.creditLine.lineId,
        submitted.customerId,
        decision.creditLine.limit,
      );
    } else if (outcome.draw && request.requested.kind === 'draw') {
      await this.store.reserveDraw(
        manager,
        outcome.draw.lineId,
        submitted.applicationId,
        request.requested.amount,
      );
    }
    await this.outbox.append(manager, {
      definition: ApplicationDecidedV1,
      key: submitted.applicationId,
      payload: outcome,
      eventId: decidedEventId,
    });
    this.logger.debug(
      {
        applicationId: submitted.applicationId,
        decision: decision.decision,
        score: decision.score,
        rulesFired: outcome.rulesFired,
      },
      'application decided',
    );
  }
}
