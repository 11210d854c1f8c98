import { createHash, createHmac } from 'node:crypto';

/**
 * JSON with object keys sorted at every level and undefined properties dropped: the same content
 * always gives the same text, whatever the key order it was built or parsed in.
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * The hash an idempotency key is stored with: SHA-256 (hex) of the request's canonical JSON.
 * Keys are kept forever, so this scheme never changes (it is the one the ledger has always stored).
 */
export function requestHash(request: unknown): string {
  return createHash('sha256').update(canonicalJson(request), 'utf8').digest('hex');
}

/**
 * A keyed request hash, for requests that carry personal data: HMAC-SHA256(key, purpose + "\n" +
 * canonical JSON), so a stored hash cannot be tested against guessed values without the key.
 */
export function keyedRequestHash(key: string, purpose: string, request: unknown): string {
  return createHmac('sha256', key)
    .update(`${purpose}\n${canonicalJson(request)}`, 'utf8')
    .digest('hex');
}

/**
 * The hash some stores wrote before `requestHash` (SHA-256 of `JSON.stringify`, key order as
 * built). Never written any more; compared only so that a request retried with a key recorded
 * before the upgrade still replays.
 */
export function legacyJsonRequestHash(request: unknown): string {
  return createHash('sha256').update(JSON.stringify(request), 'utf8').digest('hex');
}
