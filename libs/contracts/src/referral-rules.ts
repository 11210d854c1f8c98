/**
 * What an operator may answer on a referred application, as scoring's API and its domain both
 * read it: the reasons a referral may be declined for and the price tiers that may be granted.
 */

/** Why an operator declines a referral: the code travels as the first reason of the decision. */
export const ReferralDeclineReasons = {
  'REFERRAL.INCOME_NOT_VERIFIED': 'Income could not be verified on manual review',
  'REFERRAL.IDENTITY_NOT_VERIFIED': 'Identity could not be verified on manual review',
  'REFERRAL.ADVERSE_HISTORY': 'Credit history does not support the request on manual review',
  'REFERRAL.AFFORDABILITY': 'Repayments would not be affordable on manual review',
  'REFERRAL.POLICY_EXCEPTION_DENIED': 'No exception to the score policy was granted',
} as const satisfies Readonly<Record<string, string>>;
export type ReferralDeclineReason = keyof typeof ReferralDeclineReasons;
export const ReferralDeclineReasonCodes = Object.keys(
  ReferralDeclineReasons,
) as ReferralDeclineReason[];

/** The price tiers an operator can grant: those of the approving score bands (scoring checks). */
export const ReferralPriceTiers: readonly string[] = ['A', 'B', 'C'];
