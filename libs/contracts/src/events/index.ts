import { EventCatalog, type EventDefinition } from '../catalog';
import { ApplicationDecidedV1, ApplicationSubmittedV1 } from './application';
import { ApplicationRecordedV1, PersonalDataErasedV1 } from './application-changelog';
import { LedgerEntryPostedV1 } from './ledger';
import { DisbursementFailedV1, LoanCreatedV1, LoanDisbursedV1 } from './loan';
import {
  FeeChargedV1,
  InterestAccruedV1,
  LoanChargedOffV1,
  PenaltyAccruedV1,
  RecoveryReceivedV1,
  RepaymentAllocatedV1,
  ScheduleCreatedV1,
} from './loan-servicing';
import { MerchantSettledV1 } from './merchant';
import { ModelDeployedV1 } from './model';
import { PayoutStatementReconciledV1 } from './payout';
import { BusinessDayClosedV1, LoanStateRecordedV1 } from './repayment-changelog';

// The platform's events, one file per aggregate stream (topic); the shared field schemas are in
// fields.ts and the loan products and terms in loan-terms.ts.

export { EventIdLengthMax } from './fields';
export * from './loan-terms';
export * from './application';
export * from './application-changelog';
export * from './loan';
export * from './loan-servicing';
export * from './merchant';
export * from './model';
export * from './ledger';
export * from './repayment-changelog';
export * from './payout';

/**
 * Every event definition of the platform, by type and payload version. Each business issue adds
 * its events here with their zod schemas; producers validate on publish, consumers on consume.
 */
export const platformEventDefinitions: readonly EventDefinition[] = [
  LoanCreatedV1,
  DisbursementFailedV1,
  ApplicationSubmittedV1,
  ApplicationDecidedV1,
  ScheduleCreatedV1,
  LoanDisbursedV1,
  FeeChargedV1,
  MerchantSettledV1,
  RepaymentAllocatedV1,
  InterestAccruedV1,
  PenaltyAccruedV1,
  LoanChargedOffV1,
  RecoveryReceivedV1,
  LedgerEntryPostedV1,
  LoanStateRecordedV1,
  BusinessDayClosedV1,
  ApplicationRecordedV1,
  PersonalDataErasedV1,
  PayoutStatementReconciledV1,
  ModelDeployedV1,
];

export function platformEventCatalog(): EventCatalog {
  return new EventCatalog(platformEventDefinitions);
}
