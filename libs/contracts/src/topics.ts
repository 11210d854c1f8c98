/**
 * Every Kafka topic of the platform. Domain event topics keep their events forever
 * (retention.ms = -1) so that any service can be rebuilt by replaying history; each has a
 * `.dlq` companion that holds the messages its consumers could not process.
 *
 * One topic per event type: a replay can select exactly the history it needs, and a topic's
 * schema evolves with one event's versions. Records are keyed by aggregate id.
 */
export const Topics = {
  applicationSubmitted: 'application.submitted',
  applicationDecided: 'application.decided',
  loanCreated: 'loan.created',
  loanDisbursed: 'loan.disbursed',
  disbursementFailed: 'disbursement.failed',
  scheduleCreated: 'schedule.created',
  repaymentAllocated: 'repayment.allocated',
  interestAccrued: 'interest.accrued',
  penaltyAccrued: 'penalty.accrued',
  loanChargedOff: 'loan.charged-off',
  recoveryReceived: 'recovery.received',
  feeCharged: 'fee.charged',
  merchantSettled: 'merchant.settled',
  ledgerEntryPosted: 'ledger.entry.posted',
  /** The repayment service's changelog: it rebuilds from these after losing its database. */
  loanStateRecorded: 'loan.state-recorded',
  businessDayClosed: 'calendar.business-day-closed',
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

/** The full set of topics `tools/scripts/create-topics` creates, companions included. */
export function topicSpecs(topics: readonly string[] = domainTopics): TopicSpec[] {
  return topics.flatMap((name) => [
    { name, partitions: DomainTopicPartitions, config: keepForever },
    { name: dlqTopicOf(name), partitions: DlqTopicPartitions, config: keepForever },
  ]);
}
