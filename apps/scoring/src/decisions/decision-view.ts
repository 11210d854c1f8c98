import { Money } from '@credit/money';
import type { DecisionRow } from '../infrastructure/decision-store';

/** A stored decision as the API shows it: everything it was made from and what it published. */
export function decisionView(row: DecisionRow) {
  return {
    applicationId: row.application_id,
    customerId: row.customer_id,
    kind: row.kind,
    decision: row.decision,
    modelVersion: row.model_version,
    score: row.score,
    pd: row.pd,
    priceTier: row.price_tier,
    lineId: row.line_id,
    grantedAmount:
      row.granted_amount === null ? null : Money.of(row.granted_amount, row.currency).toJSON(),
    reasons: row.reasons,
    rulesFired: row.rules_fired,
    pointsByAttribute: row.points,
    submittedOn: row.submitted_on,
    inputs: row.inputs,
    published: row.outcome,
    sourceEventId: row.source_event_id,
    decidedEventId: row.decided_event_id,
    decidedAt: row.decided_at,
  };
}

export type DecisionView = ReturnType<typeof decisionView>;
