import { z } from 'zod';
import type { EventDefinition } from '../catalog';
import { envelopeSchema } from '../envelope';
import { platformEventDefinitions } from '../events';

/** Where the JSON Schema of every event type is committed, from the repository root. */
export const EventSchemasDir = 'libs/contracts/schemas';
export const EventSchemaIdBase = 'https://schemas.credit-platform.internal/events/';

/** `<type>.json` for version 1, `<type>.v<n>.json` for a later payload version. */
export function eventSchemaFileName(definition: EventDefinition): string {
  const suffix = definition.version === 1 ? '' : `.v${definition.version}`;
  return `${definition.type}${suffix}.json`;
}

/** Every object's keys in code-point order, so that a file changes only when its schema does. */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(entries.map(([key, item]) => [key, sortKeys(item)]));
}

/**
 * The JSON Schema of one event as it travels: the envelope with its type and version fixed and
 * the payload's schema. Generated from the zod schemas, so it states the shape and the formats;
 * the cross-field rules (refinements: sums, one currency, the product's fields) are the zod
 * schema's alone.
 */
export function eventJsonSchema(definition: EventDefinition): Record<string, unknown> {
  const message = envelopeSchema.extend({
    type: z.literal(definition.type),
    version: z.literal(definition.version),
    payload: definition.schema,
  });
  const { $schema, ...schema } = z.toJSONSchema(message, { io: 'input', unrepresentable: 'any' });
  return {
    $schema,
    $id: `${EventSchemaIdBase}${eventSchemaFileName(definition)}`,
    title: `${definition.type} v${definition.version}`,
    description: `The envelope of a ${definition.type} event (payload version ${definition.version}) on the topic ${definition.topic}.`,
    ...(sortKeys(schema) as Record<string, unknown>),
  };
}

/** The JSON Schema file of every event type, by path from the repository root. */
export function eventJsonSchemaFiles(
  definitions: readonly EventDefinition[] = platformEventDefinitions,
): Map<string, string> {
  return new Map(
    definitions.map((definition) => [
      `${EventSchemasDir}/${eventSchemaFileName(definition)}`,
      `${JSON.stringify(eventJsonSchema(definition), null, 2)}\n`,
    ]),
  );
}
