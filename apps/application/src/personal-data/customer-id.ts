import { createHmac } from 'node:crypto';
import { keyedRequestHash } from '@credit/kernel';

/** Hex characters of the HMAC kept in a customer id: 128 bits. */
export const CustomerIdHexLength = 32;
export const CustomerIdPepperLengthMin = 16;

/**
 * The national ID as one person writes it in different ways: no spaces or hyphens, upper case
 * (a Chinese resident ID may end in "x" or "X").
 */
export function normalizeNationalId(nationalId: string): string {
  return nationalId.replace(/[\s-]/g, '').toUpperCase();
}

/**
 * The customer id of a national ID: `C-` + HMAC-SHA256(key = pepper, national ID), truncated.
 * The same person is one customer across applications; the id reveals nothing without the pepper
 * (a plain hash of an ID number is reversed by enumerating ID numbers). The pepper never changes:
 * a new pepper would make every applicant a new customer.
 */
export function customerIdOf(nationalId: string, pepper: string): string {
  if (pepper.length < CustomerIdPepperLengthMin)
    throw new Error(
      `the customer id pepper must be at least ${CustomerIdPepperLengthMin} characters`,
    );
  const mac = createHmac('sha256', pepper).update(normalizeNationalId(nationalId), 'utf8');
  return `C-${mac.digest('hex').slice(0, CustomerIdHexLength)}`;
}

/**
 * A keyed hash of a request (for idempotency): keyed so that the stored hash of a request that
 * holds a national ID cannot be tested against guessed ID numbers.
 */
export function requestHashOf(request: unknown, pepper: string): string {
  return keyedRequestHash(pepper, 'application-request:v1', request);
}
