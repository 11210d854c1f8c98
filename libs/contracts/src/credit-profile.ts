import { z } from 'zod';

/**
 * The credit profile of an applicant: the attributes of the Statlog German Credit data under the
 * names the platform uses, as applications carry them in events and as the scorecard scores them.
 * Categorical values keep the readable labels of the ARFF file (`'<0'`, `'no checking'`); the
 * scorecard maps the original Statlog codes (`A11`…) onto them. No personal data.
 */

export const CheckingStatuses = ['<0', '0<=X<200', '>=200', 'no checking'] as const;
export const CreditHistories = [
  'no credits/all paid',
  'all paid',
  'existing paid',
  'delayed previously',
  'critical/other existing credit',
] as const;
export const Purposes = [
  'new car',
  'used car',
  'furniture/equipment',
  'radio/tv',
  'domestic appliance',
  'repairs',
  'education',
  'vacation',
  'retraining',
  'business',
  'other',
] as const;
export const SavingsStatuses = [
  '<100',
  '100<=X<500',
  '500<=X<1000',
  '>=1000',
  'no known savings',
] as const;
export const EmploymentSince = ['unemployed', '<1', '1<=X<4', '4<=X<7', '>=7'] as const;
export const OtherParties = ['none', 'co applicant', 'guarantor'] as const;
export const PropertyMagnitudes = [
  'real estate',
  'life insurance',
  'car',
  'no known property',
] as const;
export const OtherPaymentPlans = ['bank', 'stores', 'none'] as const;
export const Housings = ['rent', 'own', 'for free'] as const;
export const Jobs = [
  'unemp/unskilled non res',
  'unskilled resident',
  'skilled',
  'high qualif/self emp/mgmt',
] as const;
export const OwnTelephones = ['none', 'yes'] as const;

/** The credit-profile attributes of an applicant, as the scorecard knows them. No personal data. */
export const creditProfileSchema = z
  .object({
    checkingStatus: z.enum(CheckingStatuses),
    creditHistory: z.enum(CreditHistories),
    purpose: z.enum(Purposes),
    savingsStatus: z.enum(SavingsStatuses),
    employmentSince: z.enum(EmploymentSince),
    /** Installment as a share of disposable income, 1 (lowest) to 4. */
    installmentRatePercent: z.number().int().min(1).max(4),
    otherParties: z.enum(OtherParties),
    /** Years at the present residence, 1 to 4 (4: four or more). */
    residenceSince: z.number().int().min(1).max(4),
    propertyMagnitude: z.enum(PropertyMagnitudes),
    otherPaymentPlans: z.enum(OtherPaymentPlans),
    housing: z.enum(Housings),
    existingCredits: z.number().int().min(0).max(20),
    job: z.enum(Jobs),
    dependents: z.number().int().min(0).max(20),
    ownTelephone: z.enum(OwnTelephones),
  })
  .strict();
export type CreditProfile = z.infer<typeof creditProfileSchema>;
