import type { CreditProfile } from '@credit/contracts';

/**
 * Test fixture: `profile` with a negative checking balance, little savings, no property and
 * "all paid" history, which the scorecard scores low: from the strong profile, with `education`
 * it is declined, with `radio/tv` it lands within 10 points of the cutoff (referred).
 */
export const weakened = (
  profile: CreditProfile,
  purpose: CreditProfile['purpose'] = 'education',
): CreditProfile => ({
  ...profile,
  checkingStatus: '<0',
  creditHistory: 'all paid',
  purpose,
  savingsStatus: '<100',
  propertyMagnitude: 'no known property',
});
