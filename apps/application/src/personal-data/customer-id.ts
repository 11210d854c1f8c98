import { keyedRequestHash } from '@credit/kernel';

/**
 * A keyed hash of a request (for idempotency): keyed so that the stored hash of a request that
 * holds a national ID cannot be tested against guessed ID numbers.
 */
export function requestHashOf(request: unknown, pepper: string): string {
  return keyedRequestHash(pepper, 'application-request:v1', request);
}
