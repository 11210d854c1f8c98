import { Controller } from '@nestjs/common';
import { type LoanTerms, loanTermsSchema } from '@credit/contracts';
import {
  type ScheduleJSON,
  defaultDayCount,
  isLendingMathError,
  scheduleToJSON,
} from '@credit/lending-math';
import { Money, isMoneyError } from '@credit/money';
import { Endpoint, Input, type RouteInput, parseOrThrow, validationFailed } from '@credit/platform';
import { quoteSchedule } from '@credit/api';
import { scheduleFor } from '../domain/schedule';
import { todayUtc } from '../infrastructure/business-calendar';

/** Default flat-fee plan rates by number of periods (total fee rate of the plan). */
const DefaultPlanFeeRates: Readonly<Record<number, string>> = {
  3: '0.025',
  6: '0.045',
  12: '0.088',
};

@Controller()
export class QuotesController {
  @Endpoint(quoteSchedule)
  quote(@Input() { body }: RouteInput<typeof quoteSchedule>): ScheduleJSON & { terms: LoanTerms } {
    const terms = parseOrThrow(loanTermsSchema, {
      method: body.method,
      periods: body.periods,
      annualRate: body.annualRate ?? null,
      dailyRate: body.dailyRate ?? null,
      feeRate:
        body.feeRate ??
        (body.method === 'flat-fee' ? (DefaultPlanFeeRates[body.periods] ?? null) : null),
      feePayer: body.feePayer ?? (body.method === 'flat-fee' ? 'buyer' : null),
      dayCount: body.dayCount ?? defaultDayCount(body.method),
      penaltyDailyRate: '0.0005',
      startDate: body.startDate ?? todayUtc(),
    });
    let principal: Money;
    try {
      principal = Money.of(body.principal, body.currency);
    } catch (error) {
      if (!isMoneyError(error)) throw error;
      throw validationFailed([{ field: 'principal', problems: [error.message] }]);
    }
    if (!principal.isPositive()) {
      throw validationFailed([{ field: 'principal', problems: ['must be greater than zero'] }]);
    }
    try {
      return { ...scheduleToJSON(scheduleFor(terms, principal)), terms };
    } catch (error) {
      // Every input of the schedule came from the request: what the math refuses is a 400.
      if (!isLendingMathError(error)) throw error;
      throw validationFailed([{ field: 'body', problems: [error.message] }]);
    }
  }
}
