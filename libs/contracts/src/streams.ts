import type { EventDefinition } from './catalog';
import {
  ApplicationDecidedV1,
  ApplicationRecordedV1,
  ApplicationSubmittedV1,
  PersonalDataErasedV1,
  BusinessDayClosedV1,
  DisbursementFailedV1,
  FeeChargedV1,
  InterestAccruedV1,
  LedgerEntryPostedV1,
  LoanChargedOffV1,
  LoanCreatedV1,
  LoanDisbursedV1,
  LoanStateRecordedV1,
  MerchantSettledV1,
  ModelDeployedV1,
  PayoutStatementReconciledV1,
  PenaltyAccruedV1,
  RecoveryReceivedV1,
  RepaymentAllocatedV1,
  ScheduleCreatedV1,
} from './events';
import type { ServiceName } from './services';
import { type DomainTopic, Topics } from './topics';

/** The service that publishes some of a stream's event types. */
export interface StreamProducer {
  readonly service: ServiceName;
  readonly events: readonly EventDefinition[];
  /** What the events are, when their names do not say it. */
  readonly note?: string;
}

/** A consumer group that reads some of a stream's event types, and why. */
export interface StreamConsumer {
  readonly service: ServiceName;
  readonly group: string;
  readonly events: readonly EventDefinition[];
  readonly purpose: string;
}

/** One domain topic: its key, who writes which event types to it, who reads which. */
export interface StreamSpec {
  readonly topic: DomainTopic;
  readonly key: string;
  readonly producers: readonly StreamProducer[];
  readonly consumers: readonly StreamConsumer[];
}

/** The consumer group of each service (a deployment may override it: `KAFKA_CONSUMER_GROUP`). */
export const ConsumerGroups: Readonly<Record<ServiceName, string>> = {
  application: 'application',
  scoring: 'scoring',
  disbursement: 'disbursement',
  repayment: 'repayment',
  ledger: 'ledger',
  portfolio: 'portfolio',
};

function consumer(
  service: ServiceName,
  events: readonly EventDefinition[],
  purpose: string,
): StreamConsumer {
  return { service, group: ConsumerGroups[service], events, purpose };
}

/** The repayment's loan events that move money: the ledger posts each of them. */
const repaymentMoneyEvents = [
  RepaymentAllocatedV1,
  InterestAccruedV1,
  FeeChargedV1,
  PenaltyAccruedV1,
  LoanChargedOffV1,
  RecoveryReceivedV1,
];

/**
 * Every domain topic with its producers and consumers: the README's topic table is generated
 * from it (`npm run contracts:generate`), and each service's unit test checks that its consumer
 * subscribes to exactly what is listed here for it.
 */
export const platformStreams: readonly StreamSpec[] = [
  {
    topic: Topics.applicationEvents,
    key: 'application id',
    producers: [
      { service: 'application', events: [ApplicationSubmittedV1] },
      { service: 'scoring', events: [ApplicationDecidedV1] },
    ],
    consumers: [
      consumer('scoring', [ApplicationSubmittedV1], 'score and decide'),
      consumer('application', [ApplicationDecidedV1], 'record the decision and the line'),
      consumer('disbursement', [ApplicationDecidedV1], 'pay out approved draws'),
      consumer('ledger', [ApplicationDecidedV1], "open an approved line's accounts"),
      consumer('portfolio', [ApplicationDecidedV1], 'score bands and model monitoring'),
    ],
  },
  {
    topic: Topics.loanEvents,
    key: 'loan id',
    producers: [
      { service: 'disbursement', events: [LoanCreatedV1, LoanDisbursedV1, DisbursementFailedV1] },
      {
        service: 'repayment',
        events: [ScheduleCreatedV1, ...repaymentMoneyEvents],
      },
    ],
    consumers: [
      consumer('repayment', [LoanDisbursedV1], 'open the loan and its schedule'),
      consumer(
        'ledger',
        [LoanDisbursedV1, ...repaymentMoneyEvents],
        'one journal entry each, by posting rule',
      ),
      consumer(
        'scoring',
        [LoanCreatedV1, LoanDisbursedV1, DisbursementFailedV1, RepaymentAllocatedV1],
        "each line's exposure: the line revolves",
      ),
      consumer('portfolio', [LoanCreatedV1], "each loan's application (its score band)"),
    ],
  },
  {
    topic: Topics.merchantEvents,
    key: 'merchant id',
    producers: [{ service: 'disbursement', events: [MerchantSettledV1] }],
    consumers: [consumer('ledger', [MerchantSettledV1], 'one journal entry, by posting rule')],
  },
  {
    topic: Topics.ledgerEvents,
    key: 'entry id',
    producers: [
      {
        service: 'ledger',
        events: [LedgerEntryPostedV1],
        note: 'announcements for systems outside the platform',
      },
    ],
    consumers: [],
  },
  {
    topic: Topics.repaymentChangelog,
    key: 'loan id / date',
    producers: [{ service: 'repayment', events: [LoanStateRecordedV1, BusinessDayClosedV1] }],
    consumers: [
      consumer('repayment', [LoanStateRecordedV1, BusinessDayClosedV1], 'rebuild its state'),
      consumer('ledger', [LoanStateRecordedV1], 'loan positions to reconcile against'),
      consumer('portfolio', [LoanStateRecordedV1], 'the book by loan and business date'),
    ],
  },
  {
    topic: Topics.applicationChangelog,
    key: 'application id',
    producers: [
      {
        service: 'application',
        events: [ApplicationRecordedV1, PersonalDataErasedV1],
        note: 'an application as accepted over HTTP, personal data sealed; an erasure of it',
      },
    ],
    consumers: [
      consumer(
        'application',
        [ApplicationRecordedV1, PersonalDataErasedV1],
        'rebuild its state, erasures included',
      ),
    ],
  },
  {
    topic: Topics.payoutStatements,
    key: 'business date',
    producers: [
      {
        service: 'disbursement',
        events: [PayoutStatementReconciledV1],
        note: "the bank's statement, each line's booking event, the breaks",
      },
    ],
    consumers: [consumer('ledger', [PayoutStatementReconciledV1], 'payout reconciliation')],
  },
  {
    topic: Topics.modelEvents,
    key: 'model version',
    producers: [
      {
        service: 'scoring',
        events: [ModelDeployedV1],
        note: 'at boot, once per model and training file',
      },
    ],
    consumers: [
      consumer('portfolio', [ModelDeployedV1], 'the training scores live scores are compared with'),
    ],
  },
];

/** The event types (`type@vN`) a service's consumer group reads, sorted. */
export function subscriptionsOf(service: ServiceName): string[] {
  return eventKeys(
    platformStreams.flatMap((stream) =>
      stream.consumers.filter((c) => c.service === service).flatMap((c) => c.events),
    ),
  );
}

/** `type@vN` of each definition, sorted and without repeats. */
export function eventKeys(definitions: readonly EventDefinition[]): string[] {
  return [...new Set(definitions.map((d) => `${d.type}@v${d.version}`))].sort();
}

/** A consumer's handler class: all that is read of it is the `definition` it handles. */
export type HandlerClass = new (...dependencies: never[]) => {
  readonly definition: EventDefinition;
};

/**
 * How a service's consumer differs from what `platformStreams` says it consumes, in words; empty
 * when it does not. Each handler class is built without its dependencies (a handler's constructor
 * only keeps them) to read the event definition it handles.
 */
export function subscriptionDrift(
  service: ServiceName,
  group: string,
  handlers: readonly HandlerClass[],
): string {
  const handled = eventKeys(handlers.map((handler) => Reflect.construct(handler, []).definition));
  const listed = subscriptionsOf(service);
  return [
    ...handled
      .filter((key) => !listed.includes(key))
      .map((key) => `${service} handles ${key}, which platformStreams does not list for it`),
    ...listed
      .filter((key) => !handled.includes(key))
      .map((key) => `platformStreams lists ${key} for ${service}, which has no handler for it`),
    ...(group === ConsumerGroups[service]
      ? []
      : [`${service} consumes as group ${group}, platformStreams says ${ConsumerGroups[service]}`]),
  ].join('\n');
}
