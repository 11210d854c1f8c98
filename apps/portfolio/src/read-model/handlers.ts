import {
  ApplicationDecidedV1,
  LoanCreatedV1,
  LoanStateRecordedV1,
  ModelDeployedV1,
} from '@credit/contracts';
import { eventHandler } from '@credit/messaging';
import { loanSnapshotOf } from '../domain/loan-snapshot';
import { scoreBandOf } from '../domain/score-band';
import { ModelMonitoringStore } from '../infrastructure/model-monitoring-store';
import { PortfolioStore } from '../infrastructure/portfolio-store';

/** Every decision, with its score band: model monitoring reads them. */
export const ApplicationDecidedHandler = eventHandler(ApplicationDecidedV1, {
  name: 'portfolio.decisions',
  handle: (event, manager) => {
    const p = event.payload;
    return PortfolioStore.recordDecision(manager, {
      applicationId: p.applicationId,
      customerId: p.customerId,
      kind: p.kind,
      decision: p.decision,
      modelVersion: p.modelVersion,
      score: p.score,
      scoreBand: scoreBandOf(p.score),
      decidedAt: p.decidedAt,
    });
  },
});

/** Which application each loan came from: how a loan finds its score band. */
export const LoanCreatedHandler = eventHandler(LoanCreatedV1, {
  name: 'portfolio.origins',
  handle: (event, manager) => PortfolioStore.recordOrigin(manager, event.payload),
});

/** The repayment changelog: each loan as of each date it was processed through. */
export const LoanStateRecordedHandler = eventHandler(LoanStateRecordedV1, {
  name: 'portfolio.snapshots',
  handle: (event, manager) => PortfolioStore.recordSnapshot(manager, loanSnapshotOf(event.payload)),
});

/** Each scorecard's training scores: the reference of population stability. */
export const ModelDeployedHandler = eventHandler(ModelDeployedV1, {
  name: 'portfolio.model-references',
  handle: (event, manager) => ModelMonitoringStore.recordReference(manager, event.payload),
});

export const PortfolioEventHandlers = [
  ApplicationDecidedHandler,
  LoanCreatedHandler,
  LoanStateRecordedHandler,
  ModelDeployedHandler,
];
