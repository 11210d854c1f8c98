export { LendingErrorCode, LendingMathError, isLendingMathError } from './errors';
export {
  addDays,
  addMonths,
  compareIsoDates,
  dateInMonth,
  daysBetween,
  daysInMonth,
  formatIsoDate,
  fromEpochDay,
  isIsoDate,
  parseIsoDate,
  toEpochDay,
} from './dates';
export type { DateParts, IsoDate } from './dates';
export {
  DayCountConvention,
  accrueInterest,
  dayCount,
  dayCountFactor,
  dayCountOn,
  isDayCountConvention,
  yearBasis,
  yearFraction,
} from './day-count';
export type { DayCountFactor } from './day-count';
export { MaxSchedulePeriods } from './validation';
export {
  AprDecimalPlaces,
  IrrTolerance,
  MaxIrrBracketSteps,
  MaxIrrIterations,
  MonthsPerYear,
  PeriodicRateDecimalPlaces,
  annualizeEffective,
  annualizeNominal,
  aprFromCashFlows,
  formatRate,
  periodicIrr,
} from './apr';
export type { AprResult } from './apr';
export {
  DEFAULT_FIRST_DUE_RULE,
  dueDates,
  scheduleApr,
  scheduleToJSON,
  scheduleTotals,
} from './schedule';
export type {
  FirstDueRule,
  Installment,
  InstallmentJSON,
  Schedule,
  ScheduleJSON,
  ScheduleTotals,
} from './schedule';
export {
  equalInstallmentPayment,
  equalInstallmentSchedule,
  equalPrincipalParts,
  equalPrincipalSchedule,
  periodInterest,
} from './amortizing';
export type { AmortizingScheduleInput, InterestBasis } from './amortizing';
export {
  DEFAULT_INSTALLMENT_FEE_RATES,
  installmentFeeRate,
  installmentPlanSchedule,
  installmentPlanToJSON,
} from './installment-plan';
export type {
  FeePayer,
  InstallmentPlanInput,
  InstallmentPlanSchedule,
  InstallmentPlanScheduleJSON,
} from './installment-plan';
export { cashLoanPayoff, cashLoanSchedule, dailyInterest, dailyRateFromAnnual } from './cash-loan';
export type { CashLoanPayoff, CashLoanScheduleInput } from './cash-loan';
export { revolvingStatement } from './revolving';
export type {
  DatedAmount,
  RevolvingStatement,
  RevolvingStatementInput,
  RevolvingStatus,
} from './revolving';
export {
  NON_PERFORMING_WATERFALL,
  NonPerformingDpdThreshold,
  PERFORMING_WATERFALL,
  PERFORMING_WATERFALL_WITH_PREPAYMENT,
  allocate,
  waterfallFor,
} from './waterfall';
export type {
  Allocation,
  AppliedAmount,
  Bucket,
  BucketState,
  Component,
  Waterfall,
  WaterfallStep,
} from './waterfall';
export { DEFAULT_PENALTY_DAILY_RATE, installmentPayoff, penaltyFor } from './payoff';
export type { InstallmentPayoff, InstallmentPayoffInput, OverdueInstallment } from './payoff';
export { DelinquencyBuckets, daysPastDue, delinquencyBucket } from './delinquency';
export type { DelinquencyBucket } from './delinquency';
export { defaultDayCount, scheduleForTerms } from './terms';
export type { ScheduleMethod, ScheduleTerms } from './terms';
