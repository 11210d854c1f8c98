import { createHmac } from 'node:crypto';

/** Hex characters of the HMAC kept in a customer id: 128 bits. */
export const CustomerIdHexLength = 32;
export const CustomerIdPepperLengthMin = 16;
/** A customer id: `C-` and 32 lowercase hex digits. */
export const CustomerIdPattern = /^C-[0-9a-f]{32}$/;

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
 * a new pepper would make every applicant a new customer. The application service derives it at
 * intake; the CLI and tests derive it to mint a customer's token.
 */
export function customerIdOf(nationalId: string, pepper: string): string {
  if (pepper.length < CustomerIdPepperLengthMin)
    throw new Error(
      `the customer id pepper must be at least ${CustomerIdPepperLengthMin} characters`,
    );
  const mac = createHmac('sha256', pepper).update(normalizeNationalId(nationalId), 'utf8');
  return `C-${mac.digest('hex').slice(0, CustomerIdHexLength)}`;
}
