import { credentialsTopicSpec } from './credentials';

/**
 * Every Kafka topic of the platform: one topic per aggregate stream, the event type in the
 * envelope. All of one aggregate's events travel on one topic keyed by its id, so they share a
 * partition and every consumer sees them in the order they happened (a loan's repayment never
 * arrives before the accrual it settles). Consumers subscribe to the streams they need and
 * dispatch by `type` and `version`; events they have no handler for are skipped.
 *
 * Domain topics keep their events forever (retention.ms = -1) so that any service can be rebuilt
 * by replaying history; each has a `.dlq` companion that holds the messages its consumers could not
 * process.
 */
export const Topics = {
  /** application.submitted, application.decided; keyed by application id. */
  applicationEvents: 'application.events',
  /**
   * A loan's whole life: loan.created, loan.disbursed, disbursement.failed, schedule.created,
   * repayment.allocated, interest.accrued, fee.charged, penalty.accrued, loan.charged-off,
   * recovery.received; keyed by loan id.
   */
  loanEvents: 'loan.events',
  /** merchant.settled; keyed by merchant id. */
  merchantEvents: 'merchant.events',
  /** ledger.entry.posted, the ledger's announcements; keyed by entry id. */
  ledgerEvents: 'ledger.events',
  /**
   * The repayment service's changelog (loan.state-recorded keyed by loan id,
   * calendar.business-day-closed keyed by date): it rebuilds from these after losing its database.
   */
  repaymentChangelog: 'repayment.changelog',
  /**
   * The application service's changelog (application.recorded keyed by application id): what it
   * accepted over HTTP, so that it rebuilds after losing its database.
   */
  applicationChangelog: 'application.changelog',
  /**
   * payout.statement-reconciled keyed by business date: the bank's statement of what it paid that
   * day, each line with the event that booked it, and the breaks against the disbursement's payouts.
   */
  payoutStatements: 'payout.statements',
  /**
   * model.deployed keyed by model version: a scorecard the scoring service decides with, and its
   * training sample's score distribution (the reference of population stability).
   */
  modelEvents: 'model.events',
} as const;

export type DomainTopic = (typeof Topics)[keyof typeof Topics];

export const domainTopics: readonly DomainTopic[] = Object.values(Topics);

export const DlqSuffix = '.dlq';

export function dlqTopicOf(topic: string): string {
  return `${topic}${DlqSuffix}`;
}

export interface TopicSpec {
  readonly name: string;
  readonly partitions: number;
  readonly config: Readonly<Record<string, string>>;
}

/** Partitions per domain topic: enough for the consumers of one service to share work. */
export const DomainTopicPartitions = 6;
/** Dead letters are few; one partition keeps them in arrival order for operators. */
export const DlqTopicPartitions = 1;

const keepForever: Readonly<Record<string, string>> = {
  'retention.ms': '-1',
  'retention.bytes': '-1',
  'cleanup.policy': 'delete',
  'min.insync.replicas': '1',
};

/** Each domain topic and its .dlq companion. */
export function domainTopicSpecs(topics: readonly string[] = domainTopics): TopicSpec[] {
  return topics.flatMap((name) => [
    { name, partitions: DomainTopicPartitions, config: keepForever },
    { name: dlqTopicOf(name), partitions: DlqTopicPartitions, config: keepForever },
  ]);
}

/**
 * The full set of topics `topics ensure` creates: the domain topics with their companions and
 * the platform's own (the compacted `platform.credentials`).
 */
export function topicSpecs(): TopicSpec[] {
  return [...domainTopicSpecs(), credentialsTopicSpec];
}
