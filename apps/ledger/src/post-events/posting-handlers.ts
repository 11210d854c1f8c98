import type { Type } from '@nestjs/common';
import { type EventDefinition, platformEventCatalog } from '@credit/contracts';
import { type EventHandler, sharedNameHandlers } from '@credit/messaging';
import { evaluatePosting, postingRules } from '../domain/posting-rules';
import { PostingBatchMax } from '@credit/api';
import { PostingEngine } from '../infrastructure/posting-engine';

/** The inbox key of every posting handler: an event is posted once, whichever group delivers it. */
export const PostingHandlerName = 'ledger.posting';

/** The event definitions that have a posting rule: the ledger consumes exactly these. */
export function postedEventDefinitions(): EventDefinition[] {
  const catalog = platformEventCatalog();
  const seen = new Set<string>();
  const definitions: EventDefinition[] = [];
  for (const rule of postingRules) {
    const key = `${rule.eventType}@${rule.eventVersion}`;
    if (seen.has(key)) continue;
    seen.add(key);
    definitions.push(catalog.get(rule.eventType, rule.eventVersion));
  }
  return definitions;
}

/**
 * One handler class per event type: the event becomes exactly one journal entry through its
 * posting rule, in the transaction that records the event id. A group of new events (of any posted
 * type: every posting handler shares the inbox key) becomes its entries in one engine call per
 * PostingBatchMax entries. No rule, or amounts that do not balance, is a permanent failure: the
 * event goes to the DLQ with the reason (a failing group is applied again one event at a time).
 */
export function postingHandlers(
  definitions: readonly EventDefinition[] = postedEventDefinitions(),
): Type<EventHandler>[] {
  return sharedNameHandlers(definitions, {
    name: PostingHandlerName,
    label: 'Post',
    service: PostingEngine,
    async handle(event, manager, engine) {
      await engine.post(manager, [evaluatePosting(event, postingRules)]);
    },
    async handleMany(events, manager, engine) {
      for (let start = 0; start < events.length; start += PostingBatchMax) {
        const chunk = events.slice(start, start + PostingBatchMax);
        await engine.post(
          manager,
          chunk.map((event) => evaluatePosting(event, postingRules)),
          [],
          null,
          chunk.map((event) => ({
            correlationId: event.correlationId,
            causationId: event.eventId,
          })),
        );
      }
    },
  });
}
