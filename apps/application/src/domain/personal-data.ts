/**
 * Personal-data rights as plain rules (PIPL): what a customer consents to, when a declined
 * application's personal data has outlived its retention, and how a stored value reads.
 * No framework, no database, no cryptography.
 */

import { consentPurposes } from '@credit/contracts';

/**
 * What an applicant may consent to (`consentPurposes`, in the contracts: the changelog carries
 * them). `credit-assessment` is what an application is for: without it there is nothing to
 * decide, so it is required; the others are separate, optional consents.
 */
export { consentPurposes };
export type ConsentPurpose = (typeof consentPurposes)[number];
export const RequiredConsentPurpose: ConsentPurpose = 'credit-assessment';
export const ConsentTextVersionLengthMax = 64;

/** The consent an application records: the purposes, the text shown (its version), when. */
export interface Consent {
  readonly purposes: readonly ConsentPurpose[];
  readonly textVersion: string;
  readonly consentedAt: string;
}

/** The problem with a consent's purposes, or undefined when they are acceptable. */
export function consentPurposesProblem(purposes: readonly string[]): string | undefined {
  if (new Set(purposes).size !== purposes.length) return 'must not repeat a purpose';
  if (!purposes.includes(RequiredConsentPurpose))
    return `must include "${RequiredConsentPurpose}" (an application is a request for it)`;
  return undefined;
}

export const MillisecondsPerDay = 86_400_000;

/**
 * Declined applications decided before this instant have outlived their retention: their
 * personal data is erased. `retentionDays` 0 erases every declined application's.
 */
export function declinedRetentionCutoff(now: Date, retentionDays: number): Date {
  if (!Number.isInteger(retentionDays) || retentionDays < 0)
    throw new RangeError('retention days must be a whole number, at least 0');
  return new Date(now.getTime() - retentionDays * MillisecondsPerDay);
}

/** Why personal data was erased. */
export const erasureReasons = ['customer-request', 'retention'] as const;
export type ErasureReason = (typeof erasureReasons)[number];

/** How an application's personal data reads in the customer's access document. */
export type PersonalDataState =
  | { readonly status: 'available' }
  | { readonly status: 'erased'; readonly erasedAt: string; readonly reason: ErasureReason }
  /** Neither erased nor readable: its data key is missing (a database restored without it). */
  | { readonly status: 'unreadable'; readonly problem: string };

/**
 * The state of an application's personal data: an erasure on record wins (a rebuild or a restore
 * may have brought back the ciphertext, never the key); otherwise readable when it opens.
 */
export function personalDataState(
  erasure: { erasedAt: string; reason: ErasureReason } | undefined,
  openProblem: string | undefined,
): PersonalDataState {
  if (erasure) return { status: 'erased', erasedAt: erasure.erasedAt, reason: erasure.reason };
  if (openProblem) return { status: 'unreadable', problem: openProblem };
  return { status: 'available' };
}

export class PersonalDataError extends Error {
  constructor(
    readonly code: 'PERSONAL_DATA.CUSTOMER_NOT_FOUND' | 'PERSONAL_DATA.NO_ROTATION',
    message: string,
    readonly kind: 'not-found',
  ) {
    super(message);
    this.name = 'PersonalDataError';
  }
}
