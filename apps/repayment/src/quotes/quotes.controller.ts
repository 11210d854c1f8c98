import { Body, Controller, Post } from '@nestjs/common';
import { ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import {
  type LoanTerms,
  dayCountConventions,
  loanTermsSchema,
  repaymentMethods,
} from '@credit/contracts';
import { type ScheduleJSON, defaultDayCount, scheduleToJSON } from '@credit/lending-math';
import { Money, isMoneyError } from '@credit/money';
import { DomainError, RequireRole } from '@credit/platform';
import { scheduleFor } from '../domain/schedule';
import { todayUtc } from '../infrastructure/business-calendar';

const RatePattern = /^(0|[1-9]\d{0,2})(\.\d{1,10})?$/;

export class QuoteDto {
  @ApiProperty({ enum: repaymentMethods })
  @IsIn(repaymentMethods, { message: `method must be one of ${repaymentMethods.join(', ')}` })
  method!: LoanTerms['method'];

  @ApiProperty({ example: '1000.00' })
  @Matches(/^\d{1,20}(\.\d{1,12})?$/, {
    message: 'principal must be a positive decimal string such as "1000.00"',
  })
  principal!: string;

  @ApiProperty({ example: 'CNY' })
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be an ISO 4217 code such as "CNY"' })
  currency!: string;

  @ApiProperty({ example: 3 })
  @IsInt({ message: 'periods must be a whole number' })
  @Min(1)
  @Max(360)
  periods!: number;

  @ApiPropertyOptional({ example: '0.049' })
  @IsOptional()
  @Matches(RatePattern, { message: 'annualRate must be a decimal rate such as "0.049"' })
  annualRate?: string;

  @ApiPropertyOptional({ example: '0.0005' })
  @IsOptional()
  @Matches(RatePattern, { message: 'dailyRate must be a decimal rate such as "0.0005"' })
  dailyRate?: string;

  @ApiPropertyOptional({ example: '0.025' })
  @IsOptional()
  @Matches(RatePattern, { message: 'feeRate must be a decimal rate such as "0.025"' })
  feeRate?: string;

  @ApiPropertyOptional({ enum: ['buyer', 'merchant'] })
  @IsOptional()
  @IsIn(['buyer', 'merchant'], { message: 'feePayer must be "buyer" or "merchant"' })
  feePayer?: 'buyer' | 'merchant';

  @ApiPropertyOptional({
    enum: dayCountConventions,
    description: 'defaults to 30/360 for equal-installment and equal-principal, ACT/365 otherwise',
  })
  @IsOptional()
  @IsIn(dayCountConventions, {
    message: `dayCount must be one of ${dayCountConventions.join(', ')}`,
  })
  dayCount?: LoanTerms['dayCount'];

  @ApiPropertyOptional({ example: '2026-11-25', description: 'defaults to today' })
  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'startDate must be a date such as 2026-11-25' })
  startDate?: string;
}

/** Default flat-fee plan rates by number of periods (total fee rate of the plan). */
const DefaultPlanFeeRates: Readonly<Record<number, string>> = {
  3: '0.025',
  6: '0.045',
  12: '0.088',
};

@ApiTags('quotes')
@Controller('v1/quotes')
export class QuotesController {
  @Post()
  @RequireRole('customer')
  @ApiOperation({
    summary: 'Quote a schedule and its APR (stateless)',
    description:
      'The APR is the effective annual rate of every cash flow, fees included: (1 + monthly IRR)^12 − 1. A flat-fee plan takes its fee rate from the plan table (3: 2.5 %, 6: 4.5 %, 12: 8.8 %) unless feeRate is given.',
  })
  quote(@Body() body: QuoteDto): ScheduleJSON & { terms: LoanTerms } {
    const parsed = loanTermsSchema.safeParse({
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
    if (!parsed.success) {
      const fields = parsed.error.issues.map((issue) => ({
        field: issue.path.map(String).join('.'),
        problems: [issue.message],
      }));
      throw new DomainError(
        'VALIDATION.FAILED',
        `invalid request: ${fields.map((f) => `${f.field} ${f.problems.join(', ')}`).join('; ')}`,
        'invalid',
        { fields },
      );
    }
    let principal: Money;
    try {
      principal = Money.of(body.principal, body.currency);
    } catch (error) {
      if (!isMoneyError(error)) throw error;
      throw new DomainError('VALIDATION.FAILED', `principal: ${error.message}`, 'invalid', {
        fields: [{ field: 'principal', problems: [error.message] }],
      });
    }
    if (!principal.isPositive()) {
      throw new DomainError('VALIDATION.FAILED', 'principal must be greater than zero', 'invalid', {
        fields: [{ field: 'principal', problems: ['must be greater than zero'] }],
      });
    }
    return { ...scheduleToJSON(scheduleFor(parsed.data, principal)), terms: parsed.data };
  }
}
