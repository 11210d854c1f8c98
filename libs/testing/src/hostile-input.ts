import type { DataSource } from 'typeorm';
import { type AnyRoute, type ServiceApi, TestApiKeys } from '@credit/platform';
import { waitFor } from './wait';

/**
 * A hostile client over every route of a service: wrong types, missing and extra fields, NaN,
 * Infinity, exponents, too many decimals, huge numbers and strings, unicode and NUL bytes,
 * injection strings, prototype-pollution keys, invalid JSON, wrong content type, bad query and
 * path parameters. Deterministic: one seed gives the same requests.
 */

/** A small seeded generator (mulberry32): the same seed, the same requests. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(random: () => number, items: readonly T[]): T =>
  items[Math.floor(random() * items.length)] as T;

/** Values a field may be given: wrong types, edge numbers, odd and hostile strings. */
export const HostileValues: readonly unknown[] = [
  null,
  true,
  0,
  -1,
  1.5,
  1e308,
  -1e308,
  2 ** 53 + 1,
  '',
  ' ',
  'NaN',
  'Infinity',
  '-Infinity',
  '1e400',
  '1E5',
  '-0.00',
  '0x10',
  '100.123456789',
  '1.0000000000000000000001',
  '99999999999999999999999999999999999999.99',
  "'; DROP TABLE accounts; --",
  '" OR 1=1 --',
  '${7*7}{{7*7}}',
  '<script>alert(1)</script>',
  '../../etc/passwd',
  '%00%ff',
  'Ω≈ç√∫ 合法 😀 \u202e',
  'a'.repeat(20_000),
  '2026-13-45',
  '0000-01-01',
  '9999-12-31',
  '1969-12-31T23:59:59Z',
  '2026-11-25',
  'CNY',
  'XXX',
  [],
  [1, 'a', null],
  {},
  { amount: '1e3', currency: 'CNY' },
  { amount: 'NaN', currency: 'CNY' },
];

/** Strings for a path parameter or a query value, already URL-encoded. */
const HostileUrlValues: readonly string[] = [
  '%00',
  'a%00b',
  '%ED%A0%80',
  '%FF',
  '%E0%A4%A',
  '..%2F..%2Fetc',
  encodeURIComponent("'; DROP TABLE x; --"),
  encodeURIComponent('😀'),
  'x'.repeat(5_000),
  '-1',
  '0',
  '1e400',
  'NaN',
  '9999-12-31',
  '0000-01-01',
  '1969-12-31T23:59:59Z',
  '2026-11-25',
  '00000000-0000-0000-0000-000000000000',
  '__proto__',
];

/** One hostile HTTP request. */
export interface HostileRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body?: string;
  /** What makes it certainly invalid, if anything (then a write must be refused). */
  readonly defect?: string;
}

/** What a route's schema lists as object keys (params, query, body), best effort. */
function keysOf(schema: unknown): string[] {
  const shape = (schema as { shape?: Record<string, unknown> } | undefined)?.shape;
  if (shape && typeof shape === 'object') return Object.keys(shape);
  const options = (schema as { options?: unknown[] } | undefined)?.options;
  if (Array.isArray(options)) return [...new Set(options.flatMap(keysOf))];
  return [];
}

/** An object with the route's fields given random values, some left out, one extra at times. */
function randomObject(random: () => number, keys: readonly string[]): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  for (const key of keys) if (random() < 0.7) object[key] = pick(random, HostileValues);
  if (random() < 0.3) object[pick(random, ['extra', 'role', 'isAdmin', 'id'])] = 1;
  return object;
}

/** Puts `value` at a random place of `object` (a new key, or one of its fields). */
function plant(random: () => number, object: Record<string, unknown>, key: string, value: unknown) {
  const keys = Object.keys(object);
  if (keys.length > 0 && random() < 0.5) object[pick(random, keys)] = value;
  else object[key] = value;
}

const BodyDefects = [
  'nul',
  'surrogate',
  'proto',
  'constructor',
  'invalid-json',
  'nan-literal',
  'media-type',
  'deep',
  'too-large',
] as const;

/**
 * `count` requests to `route`, each from the seeded `random`: path parameters an existing id
 * (from `ids`, by parameter name) or a hostile value, query and body from the route's fields with
 * hostile values. With `defective`, each carries at least one defect every route must refuse.
 */
export function hostileRequests(
  route: AnyRoute,
  options: {
    random: () => number;
    count: number;
    ids: Readonly<Record<string, readonly string[]>>;
    token: string;
    defective: boolean;
  },
): HostileRequest[] {
  const { random } = options;
  const requests: HostileRequest[] = [];
  const paramNames = [...route.path.matchAll(/\{(\w+)\}/g)].map((match) => match[1] as string);
  const queryKeys = keysOf(route.query);
  const bodyKeys = keysOf(route.body);
  const takesBody = route.method !== 'GET' && route.method !== 'DELETE';
  for (let index = 0; index < options.count; index++) {
    const defects = [
      ...(paramNames.length > 0 ? ['path-nul'] : []),
      'query-nul',
      'query-proto',
      ...(takesBody ? BodyDefects : []),
    ];
    const defect = options.defective ? pick(random, defects) : undefined;
    let path = route.path;
    for (const name of paramNames) {
      const existing = options.ids[name] ?? [];
      const value =
        existing.length > 0 && random() < 0.6
          ? encodeURIComponent(pick(random, existing))
          : pick(random, HostileUrlValues);
      path = path.replace(`{${name}}`, defect === 'path-nul' ? `${value}%00` : value);
    }
    const query: string[] = [];
    for (const key of queryKeys)
      if (random() < 0.6) query.push(`${key}=${pick(random, HostileUrlValues)}`);
    if (random() < 0.2) query.push(`${pick(random, queryKeys.length ? queryKeys : ['x'])}=a&x=b`);
    if (defect === 'query-nul') query.push(`${pick(random, [...queryKeys, 'q'])}=x%00`);
    if (defect === 'query-proto') query.push('__proto__=1');
    const headers: Record<string, string> = { authorization: `Bearer ${options.token}` };
    if (route.idempotencyKey && random() < 0.8)
      headers['idempotency-key'] = pick(random, ['fuzz-key-1', 'fuzz key', 'k'.repeat(300)]);
    let body: string | undefined;
    if (takesBody && (defect !== undefined || random() < 0.8)) {
      const object = randomObject(random, bodyKeys);
      headers['content-type'] = 'application/json';
      switch (defect) {
        case 'nul':
          plant(random, object, 'note', 'x\u0000y');
          break;
        case 'surrogate':
          plant(random, object, 'note', 'x\ud800y');
          break;
        case 'proto':
        case 'constructor':
          break;
        case 'media-type':
          headers['content-type'] = pick(random, [
            'text/plain',
            'application/x-www-form-urlencoded',
            'application/xml',
            'application/json; charset=utf-16',
          ]);
          break;
        default:
      }
      body = JSON.stringify(object);
      // A member written first, as only raw JSON can (JSON.stringify drops __proto__, NaN).
      const first = (member: string) =>
        body === '{}' ? `{${member}}` : `{${member},${body?.slice(1)}`;
      if (defect === 'proto') body = first('"__proto__":{"isAdmin":true,"status":"approved"}');
      if (defect === 'constructor') body = first('"constructor":{"prototype":{"polluted":1}}');
      if (defect === 'invalid-json')
        body = pick(random, [body.slice(0, -1), `${body},`, "{'a':1}", '', ' ', 'null x']);
      if (defect === 'nan-literal')
        body = first(
          `"${pick(random, bodyKeys.length ? bodyKeys : ['n'])}":${pick(random, ['NaN', 'Infinity', '-Infinity'])}`,
        );
      if (defect === 'deep') body = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
      if (defect === 'too-large') body = JSON.stringify({ note: 'x'.repeat(1_100_000) });
      if (body === '' || body === ' ') body = `${body}{`;
    }
    requests.push({
      method: route.method,
      path: `${path}${query.length ? `?${query.join('&')}` : ''}`,
      headers,
      body,
      defect,
    });
  }
  return requests;
}

/**
 * One checksum per table of the database (`md5` of every row, in order): compare two to see
 * whether anything changed.
 */
export async function tableChecksums(dataSource: DataSource): Promise<Record<string, string>> {
  const tables = await dataSource.query<{ name: string }[]>(
    `SELECT quote_ident(table_schema) || '.' || quote_ident(table_name) AS name
       FROM information_schema.tables
      WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')
      ORDER BY 1`,
  );
  const sums: Record<string, string> = {};
  for (const { name } of tables) {
    const [row] = await dataSource.query<{ sum: string | null; n: string }[]>(
      `SELECT md5(string_agg(md5(t::text), '' ORDER BY md5(t::text))) AS sum, count(*) AS n FROM ${name} t`,
    );
    sums[name] = `${row?.n ?? 0}:${row?.sum ?? ''}`;
  }
  return sums;
}

/** What a hostile request got that it should not have. */
export interface HostileFinding {
  readonly request: string;
  readonly status: number;
  readonly answer: string;
}

/**
 * Sends `perRoute` defective requests (each must be refused: a 4xx, or a GET answered) and
 * `perRoute / 2` merely hostile ones to reads and stateless quotes (never a 5xx) to every route;
 * answers the findings: every 5xx, and every defective write not refused with a 4xx.
 */
export async function fuzzRoutes(options: {
  baseUrl: string;
  routes: readonly AnyRoute[];
  ids: Readonly<Record<string, readonly string[]>>;
  token: string;
  seed: number;
  perRoute: number;
  /** Writes that change nothing (quotes, checks): sent merely hostile input too. */
  readOnlyWrites?: readonly string[];
}): Promise<{ findings: HostileFinding[]; sent: number }> {
  const random = seededRandom(options.seed);
  const findings: HostileFinding[] = [];
  let sent = 0;
  for (const route of options.routes) {
    const readOnly =
      route.method === 'GET' || (options.readOnlyWrites ?? []).includes(route.operationId);
    const common = { random, ids: options.ids, token: options.token };
    const requests = [
      ...hostileRequests(route, { ...common, count: options.perRoute, defective: true }),
      ...(readOnly
        ? hostileRequests(route, {
            ...common,
            count: Math.ceil(options.perRoute / 2),
            defective: false,
          })
        : []),
    ];
    for (const request of requests) {
      sent++;
      const response = await fetch(`${options.baseUrl}${request.path}`, {
        method: request.method,
        headers: request.headers,
        body: request.body,
      });
      const answer = await response.text();
      const refused = response.status >= 400 && response.status < 500;
      if (response.status >= 500 || (request.defect && !readOnly && !refused))
        findings.push({
          request: `${route.operationId} ${request.method} ${request.path.slice(0, 200)} [${request.defect ?? 'hostile'}] ${(request.body ?? '').slice(0, 200)}`,
          status: response.status,
          answer: answer.slice(0, 300),
        });
    }
  }
  return { findings, sent };
}

/** The table checksums once background work (the outbox relay, consumers) has settled. */
export async function settledChecksums(dataSource: DataSource): Promise<Record<string, string>> {
  let previous = '';
  return waitFor(
    'the database to settle',
    async () => {
      const sums = await tableChecksums(dataSource);
      const text = JSON.stringify(sums);
      const settled = text === previous;
      previous = text;
      return settled ? sums : undefined;
    },
    30_000,
    300,
  );
}

/**
 * The hostile client over every route of a running service (as an admin, who may call them all),
 * the database's checksums taken before and after: the test expects no findings and equal sums.
 */
export async function fuzzService(options: {
  app: { baseUrl: string; dataSource: DataSource };
  api: Pick<ServiceApi, 'routes'>;
  ids?: Readonly<Record<string, readonly string[]>>;
  seed: number;
  perRoute?: number;
  readOnlyWrites?: readonly string[];
}): Promise<{
  findings: HostileFinding[];
  sent: number;
  before: Record<string, string>;
  after: Record<string, string>;
}> {
  const before = await settledChecksums(options.app.dataSource);
  const { findings, sent } = await fuzzRoutes({
    baseUrl: options.app.baseUrl,
    routes: options.api.routes,
    ids: options.ids ?? {},
    token: TestApiKeys.admin,
    seed: options.seed,
    perRoute: options.perRoute ?? 16,
    readOnlyWrites: options.readOnlyWrites,
  });
  const after = await settledChecksums(options.app.dataSource);
  return { findings, sent, before, after };
}
