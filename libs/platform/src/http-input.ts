import { z } from 'zod';
import { type FieldProblem, mergeFieldProblems, validationFailed } from './errors';
import type { AnyRoute, RouteInput } from './http/route';

export const IdempotencyKeyHeader = 'Idempotency-Key';
const IdempotencyKeyPattern = /^[A-Za-z0-9._:@-]{1,200}$/;
const UuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

/** A caller-supplied idempotency key (header or batch field). */
export const idempotencyKeySchema = z
  .string()
  .regex(IdempotencyKeyPattern, 'must be 1-200 characters of A-Z a-z 0-9 . _ : @ -');

/** A UUID of any version, answered in lower case. */
export const uuidSchema = z
  .string()
  .regex(UuidPattern, 'must be a UUID')
  .transform((value) => value.toLowerCase());

/**
 * The dates the platform takes as input: from the Unix epoch (Kafka's timestamps start there) to
 * the end of 2199 (PostgreSQL holds far more; nothing the platform does reaches further).
 */
export const DateRange = { min: '1970-01-01', max: '2199-12-31' } as const;
export const dateRangeProblem = `must be between ${DateRange.min} and ${DateRange.max}`;
const dateRangeMs = { min: Date.UTC(1970, 0, 1), max: Date.UTC(2200, 0, 1) };

/** Whether an instant (epoch ms) or a `YYYY-MM-DD` date lies within `DateRange`. */
export function withinDateRange(value: number | string): boolean {
  if (typeof value === 'string') return value >= DateRange.min && value <= DateRange.max;
  return value >= dateRangeMs.min && value < dateRangeMs.max;
}

/** An ISO 8601 timestamp (a date, optionally with a time) as a Date, within `DateRange`. */
export const isoTimestampSchema = z
  .string()
  .refine((value) => /^\d{4}-\d{2}-\d{2}/.test(value) && !Number.isNaN(Date.parse(value)), {
    error: 'must be an ISO 8601 timestamp',
  })
  .refine((value) => withinDateRange(Date.parse(value)), { error: dateRangeProblem, abort: true })
  .transform((value) => new Date(Date.parse(value)))
  .meta({ format: 'date-time' });

/** A business date `YYYY-MM-DD` that exists in the calendar, within `DateRange`. */
export const businessDateSchema = (field: string) =>
  z
    .string({ error: `${field} must be a date such as 2026-11-25` })
    .regex(/^\d{4}-\d{2}-\d{2}$/, `${field} must be a date such as 2026-11-25`)
    .pipe(z.iso.date({ error: `${field} must be a real calendar date` }))
    .refine((value) => withinDateRange(value), { error: `${field} ${dateRangeProblem}` });

/** A page size in a query string: a whole number from 1 to `max`, `fallback` when absent. */
export const pageLimitSchema = (fallback: number, max: number) => {
  const problem = `must be a whole number from 1 to ${max}`;
  return z
    .string()
    .regex(/^\d{1,4}$/, problem)
    .transform(Number)
    .pipe(z.number().min(1, problem).max(max, problem))
    .optional()
    .transform((value) => value ?? fallback)
    .meta({ description: `page size, 1 to ${max}; ${fallback} when absent` });
};

const expectedPhrases: Record<string, string> = {
  string: 'must be a string',
  number: 'must be a number',
  int: 'must be a whole number',
  boolean: 'must be true or false',
  object: 'must be an object',
  array: 'must be an array',
  null: 'must be absent',
};

const sizeUnit = (origin: string) =>
  origin === 'string' ? ' characters' : origin === 'array' ? ' items' : '';

/**
 * The platform's wording of a zod issue that has no message of its own: the problem only, the
 * field is named beside it. Never quotes the input (it may be personal data).
 */
export const httpIssueMessage: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'is required';
      return expectedPhrases[issue.expected] ?? `must be ${issue.expected}`;
    case 'invalid_value':
      return `must be one of: ${issue.values.map(String).join(', ')}`;
    case 'too_small':
      if (issue.origin === 'string' && Number(issue.minimum) === 1) return 'must not be empty';
      return `must be at least ${String(issue.minimum)}${sizeUnit(issue.origin)}`;
    case 'too_big':
      return `must be at most ${String(issue.maximum)}${sizeUnit(issue.origin)}`;
    case 'invalid_format':
      if (issue.format === 'datetime') return 'must be an ISO 8601 timestamp';
      if (issue.format === 'date') return 'must be a date such as 2026-11-25';
      return `must be a valid ${issue.format}`;
    case 'invalid_union': {
      const options = (issue as { options?: unknown[] }).options;
      return options ? `must be one of: ${options.map(String).join(', ')}` : 'has an invalid shape';
    }
    default:
      return undefined;
  }
};

/** The problems of a failed parse, one entry per field path (`lines.0.amount`), in order. */
export function problemsOf(error: z.ZodError, root: string): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const issue of error.issues) {
    const base = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      // An unknown key is reported on the key itself, not on its parent object.
      for (const key of issue.keys)
        problems.push({ field: base ? `${base}.${key}` : key, problems: ['is not a known field'] });
    } else if (!base && issue.code === 'invalid_type' && issue.expected === 'object') {
      problems.push({ field: root, problems: ['must be a JSON object'] });
    } else {
      problems.push({ field: base || root, problems: [issue.message] });
    }
  }
  return mergeFieldProblems(problems);
}

/** Parses with the platform's wording; the problems (field named) when the value is invalid. */
export function parseWith<S extends z.ZodType>(
  schema: S,
  value: unknown,
  root = 'body',
): { ok: true; value: z.output<S> } | { ok: false; problems: FieldProblem[] } {
  const parsed = schema.safeParse(value, { error: httpIssueMessage });
  return parsed.success
    ? { ok: true, value: parsed.data }
    : { ok: false, problems: problemsOf(parsed.error, root) };
}

/** Parses or throws the platform's 400 VALIDATION.FAILED naming every bad field. */
export function parseOrThrow<S extends z.ZodType>(
  schema: S,
  value: unknown,
  root = 'body',
): z.output<S> {
  const parsed = parseWith(schema, value, root);
  if (!parsed.ok) throw validationFailed(parsed.problems);
  return parsed.value;
}

/** Keys that would reach an object's prototype when copied or merged: refused everywhere. */
const ForbiddenKeys = new Set(['__proto__', 'constructor', 'prototype']);
const LoneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** A name safe to repeat in an answer: control characters shown as `?`, at most 64 characters. */
const printable = (key: string) =>
  [...key]
    .map((char) => {
      const code = char.charCodeAt(0);
      // A pair is one character here (two code units); one code unit in the range is lone.
      const lone = char.length === 1 && code >= 0xd800 && code <= 0xdfff;
      return code < 0x20 || code === 0x7f || lone ? '?' : char;
    })
    .join('')
    .slice(0, 64);

function stringProblem(value: string): string | undefined {
  if (value.includes('\u0000')) return 'must not contain NUL characters';
  if (LoneSurrogate.test(value)) return 'must be valid Unicode text (a lone surrogate)';
  return undefined;
}

/**
 * What no route accepts in any part of a request, whatever its schema: NUL characters and lone
 * surrogates in a string or a key (PostgreSQL's text can't hold them), and the keys `__proto__`,
 * `constructor` and `prototype` (own keys, as JSON.parse makes them). Each named on its field.
 */
export function hostileInputProblems(value: unknown, root: string): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const stack: { value: unknown; path: string[] }[] = [{ value, path: [] }];
  while (stack.length > 0 && problems.length < 20) {
    const { value: current, path } = stack.pop()!;
    const field = path.length > 0 ? path.join('.') : root;
    if (typeof current === 'string') {
      const problem = stringProblem(current);
      if (problem) problems.push({ field, problems: [problem] });
    } else if (typeof current === 'object' && current !== null) {
      for (const key of Object.keys(current)) {
        const child = [...path, printable(key)];
        const keyProblem = ForbiddenKeys.has(key)
          ? 'is not an allowed field name'
          : stringProblem(key);
        if (keyProblem) problems.push({ field: child.join('.'), problems: [keyProblem] });
        else stack.push({ value: (current as Record<string, unknown>)[key], path: child });
      }
    }
  }
  return problems;
}

/** The raw parts of a request a route reads. */
export interface RawRequest {
  readonly params: unknown;
  readonly query: unknown;
  readonly body: unknown;
  header(name: string): string | undefined;
}

/**
 * Validates a request against its route: path parameters, query, idempotency key and body, all
 * problems in one 400.
 */
export function parseRouteInput<T extends AnyRoute>(route: T, request: RawRequest): RouteInput<T> {
  const problems: FieldProblem[] = [];
  const part = (schema: z.ZodType | undefined, value: unknown, root: string): unknown => {
    const hostile = hostileInputProblems(value, root);
    if (hostile.length > 0) {
      problems.push(...hostile);
      return undefined;
    }
    if (!schema) return undefined;
    const parsed = parseWith(schema, value, root);
    if (parsed.ok) return parsed.value;
    problems.push(...parsed.problems);
    return undefined;
  };
  let idempotencyKey: string | undefined;
  if (route.idempotencyKey) {
    const header = request.header(IdempotencyKeyHeader);
    if (header !== undefined && header !== '')
      idempotencyKey = part(idempotencyKeySchema, header, IdempotencyKeyHeader) as string;
    else if (route.idempotencyKey === 'required')
      problems.push({ field: IdempotencyKeyHeader, problems: ['header is required'] });
  }
  const params = part(route.params, request.params ?? {}, 'params');
  const query = part(route.query, request.query ?? {}, 'query');
  // No body at all reads as an empty object: a body whose fields are all optional may be left out.
  const rawBody = request.body ?? {};
  const body = part(route.bodyOf?.(rawBody) ?? route.body, rawBody, 'body');
  if (problems.length > 0) throw validationFailed(mergeFieldProblems(problems));
  return { params, query, body, idempotencyKey } as RouteInput<T>;
}

/** The caller-supplied `Idempotency-Key` header; 400 naming the header when missing or malformed. */
export function idempotencyKeyOf(value: string | undefined): string {
  if (value === undefined || value === '')
    throw validationFailed([{ field: IdempotencyKeyHeader, problems: ['header is required'] }]);
  return parseOrThrow(idempotencyKeySchema, value, IdempotencyKeyHeader);
}
