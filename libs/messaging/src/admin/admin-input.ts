import { DomainError } from '@credit/platform';

/** 400 naming the field and the problem. */
export function invalidField(field: string, problem: string): DomainError {
  return new DomainError('VALIDATION.FAILED', `${field} ${problem}`, 'invalid', {
    fields: [{ field, problems: [problem] }],
  });
}

export function requireObject(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalidField('body', 'must be a JSON object');
  }
  return body as Record<string, unknown>;
}

export function rejectUnknown(body: Record<string, unknown>, known: readonly string[]): void {
  const unknown = Object.keys(body).find((key) => !known.includes(key));
  if (unknown !== undefined) throw invalidField(unknown, 'is not a known field');
}

export function optionalString(body: Record<string, unknown>, field: string): string | undefined {
  const value = body[field];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.trim() === '') {
    throw invalidField(field, 'must be a non-empty string');
  }
  return value;
}

export function optionalStringList(
  body: Record<string, unknown>,
  field: string,
): string[] | undefined {
  const value = body[field];
  if (value === undefined) return undefined;
  if (
    !Array.isArray(value) ||
    value.length === 0 ||
    value.some((item) => typeof item !== 'string' || item === '')
  ) {
    throw invalidField(field, 'must be a non-empty array of non-empty strings');
  }
  return value as string[];
}

export function optionalBoolean(body: Record<string, unknown>, field: string): boolean | undefined {
  const value = body[field];
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') throw invalidField(field, 'must be true or false');
  return value;
}

export function optionalOffset(body: Record<string, unknown>, field: string): bigint | undefined {
  const value = body[field];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !/^\d{1,19}$/.test(value)) {
    throw invalidField(field, 'must be an offset: a string of digits');
  }
  return BigInt(value);
}

export function optionalInstant(body: Record<string, unknown>, field: string): Date | undefined {
  const value = optionalString(body, field);
  if (value === undefined) return undefined;
  const time = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(value) || Number.isNaN(time)) {
    throw invalidField(field, 'must be an ISO 8601 date-time such as 2026-11-25T08:00:00Z');
  }
  return new Date(time);
}
