/**
 * Personal-data rights as plain rules (PIPL): what a customer consents to, when a declined
 * application's personal data has outlived its retention, and how a stored value reads.
 * No framework, no database, no cryptography.
 */

import type { ConsentPurpose, ErasureReason } from '@credit/contracts';

// The consent and erasure rules the API shares live in the contracts; the domain re-exports them.
export {
  ConsentTextVersionLengthMax,
  RequiredConsentPurpose,
  consentPurposes,
  consentPurposesProblem,
  erasureReasons,
} from '@credit/contracts';
export type { ConsentPurpose, ErasureReason };

/** The consent an application records: the purposes, the text shown (its version), when. */
export interface Consent {
  readonly purposes: readonly ConsentPurpose[];
  readonly textVersion: string;
  readonly consentedAt: string;
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
