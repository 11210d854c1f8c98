/**
 * What a valid consent and an erasure are, as the application service's API and its domain both
 * read them (PIPL). Pure data and rules.
 */
import { consentPurposes } from './events/application-changelog';

/**
 * What an applicant may consent to (`consentPurposes`: the changelog carries them).
 * `credit-assessment` is what an application is for: without it there is nothing to decide, so it
 * is required; the others are separate, optional consents.
 */
export type ConsentPurpose = (typeof consentPurposes)[number];
export const RequiredConsentPurpose: ConsentPurpose = 'credit-assessment';
export const ConsentTextVersionLengthMax = 64;

/** The problem with a consent's purposes, or undefined when they are acceptable. */
export function consentPurposesProblem(purposes: readonly string[]): string | undefined {
  if (new Set(purposes).size !== purposes.length) return 'must not repeat a purpose';
  if (!purposes.includes(RequiredConsentPurpose))
    return `must include "${RequiredConsentPurpose}" (an application is a request for it)`;
  return undefined;
}

/** Why personal data was erased. */
export const erasureReasons = ['customer-request', 'retention'] as const;
export type ErasureReason = (typeof erasureReasons)[number];
