import { Inject, Injectable, Optional, type Type } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { EventDefinition, EventEnvelope, PayloadOf } from '@credit/contracts';
import type { EventHandler } from './event-consumer';

/** The injection token of a handler that needs no service. */
const NoService = Symbol('no service');

/** How a handler applies its events, through the one service it is given (if any). */
export interface HandlerOptions<TService, TPayload> {
  /** The inbox key: an event is applied once per name, whichever consumer group delivers it. */
  readonly name: string;
  /** The class's name, for logs and the Nest container (default `Handle(<type>@v<version>)`). */
  readonly label?: string;
  /** The Nest provider the handler calls (omit when it needs none). */
  readonly service?: Type<TService>;
  /** What it resolves to is ignored. */
  handle(
    event: EventEnvelope<TPayload>,
    manager: EntityManager,
    service: TService,
  ): Promise<unknown>;
  /** The set-based path (see EventHandler.handleMany); events of every handler of this name. */
  handleMany?(
    events: readonly EventEnvelope[],
    manager: EntityManager,
    service: TService,
  ): Promise<void>;
}

/**
 * An event handler class for one event definition: Nest injects `service` and the consumer calls
 * `handle` (and `handleMany` for a group) in the transaction that records the event in the inbox.
 */
export function eventHandler<D extends EventDefinition, TService = undefined>(
  definition: D,
  options: HandlerOptions<TService, PayloadOf<D>>,
): Type<EventHandler<PayloadOf<D>>> {
  @Injectable()
  class DefinedHandler implements EventHandler<PayloadOf<D>> {
    readonly name = options.name;
    readonly definition = definition;
    readonly handleMany = options.handleMany
      ? (events: readonly EventEnvelope<PayloadOf<D>>[], manager: EntityManager) =>
          options.handleMany?.(events, manager, this.service) ?? Promise.resolve()
      : undefined;

    constructor(@Optional() @Inject(options.service ?? NoService) readonly service: TService) {}

    async handle(event: EventEnvelope<PayloadOf<D>>, manager: EntityManager): Promise<void> {
      await options.handle(event, manager, this.service);
    }
  }
  Object.defineProperty(DefinedHandler, 'name', {
    value: `${options.label ?? 'Handle'}(${definition.type}@v${definition.version})`,
  });
  return DefinedHandler;
}

/**
 * One handler class per definition, all sharing one inbox name and one set-based path: the
 * consumer gives a group of consecutive events of these types to one handleMany call (one
 * transaction, one inbox insert), which is where a set-based service does its work.
 */
export function sharedNameHandlers<TService>(
  definitions: readonly EventDefinition[],
  options: HandlerOptions<TService, unknown> &
    Required<Pick<HandlerOptions<TService, unknown>, 'handleMany'>>,
): Type<EventHandler>[] {
  return definitions.map((definition) =>
    eventHandler<EventDefinition, TService>(definition, options),
  );
}
