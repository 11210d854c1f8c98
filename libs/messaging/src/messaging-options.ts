import type { Type } from '@nestjs/common';
import type { EventCatalog } from '@credit/contracts';
import type { EventHandler } from './event-consumer';

export interface ConsumerGroupDefinition {
  /** The Kafka consumer group, e.g. `ledger`. */
  readonly groupId: string;
  readonly handlers: readonly Type<EventHandler>[];
}

export interface MessagingModuleOptions {
  readonly catalog: EventCatalog;
  readonly consumers: readonly ConsumerGroupDefinition[];
  /**
   * Topics a replay reads to the end before the others, e.g. a service's own changelog, which
   * restores its state before the events that would otherwise recreate it differently.
   */
  readonly replayFirst?: readonly string[];
}

export const MESSAGING_OPTIONS = Symbol('MESSAGING_OPTIONS');
