import { Inject, Injectable, type Type } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { EventDefinition, EventEnvelope } from '@credit/contracts';
import type { EventHandler } from './event-consumer';

/** How handlers that share one inbox name apply their events, through one injected service. */
export interface SharedNameHandlers<TService> {
  /** The inbox key all the handlers share: an event is applied once, whichever of them gets it. */
  readonly name: string;
  /** A short label for the generated classes' names (`<label>(<type>@v<version>)`). */
  readonly label: string;
  readonly service: Type<TService>;
  handle(service: TService, event: EventEnvelope, manager: EntityManager): Promise<void>;
  /** Applies new events of any of the definitions, in their order (see EventHandler.handleMany). */
  handleMany(
    service: TService,
    events: readonly EventEnvelope[],
    manager: EntityManager,
  ): Promise<void>;
}

/**
 * One handler class per event definition, all sharing one inbox name: the consumer then gives a
 * group of consecutive events of these types to one handleMany call (one transaction, one inbox
 * insert), which is where a set-based service does its work.
 */
export function sharedNameHandler<TService>(
  options: SharedNameHandlers<TService>,
  definition: EventDefinition,
): Type<EventHandler> {
  @Injectable()
  class SharedNameHandler implements EventHandler {
    readonly name = options.name;
    readonly definition = definition;

    constructor(@Inject(options.service) private readonly service: TService) {}

    handle(event: EventEnvelope, manager: EntityManager): Promise<void> {
      return options.handle(this.service, event, manager);
    }

    handleMany(events: readonly EventEnvelope[], manager: EntityManager): Promise<void> {
      return options.handleMany(this.service, events, manager);
    }
  }
  Object.defineProperty(SharedNameHandler, 'name', {
    value: `${options.label}(${definition.type}@v${definition.version})`,
  });
  return SharedNameHandler;
}
