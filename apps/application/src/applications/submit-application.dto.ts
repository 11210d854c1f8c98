import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsDefined,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  Validate,
  ValidateNested,
  type ValidationArguments,
  ValidatorConstraint,
  type ValidatorConstraintInterface,
} from 'class-validator';
import { applicationKinds, cashLoanRepaymentMethods, loanProducts } from '@credit/contracts';
import { CURRENCY_CODES, Money, isMoneyError } from '@credit/money';
import {
  CheckingStatuses,
  CreditHistories,
  EmploymentSince,
  Housings,
  Jobs,
  OtherParties,
  OtherPaymentPlans,
  OwnTelephones,
  PropertyMagnitudes,
  Purposes,
  SavingsStatuses,
} from '@credit/contracts';
import { ApplicantAgeMax, ApplicantAgeMin, CashLoanTermMonthsMax } from '../domain/application';

export const NameLengthMax = 200;
export const IdLengthMax = 128;

const oneOf = (values: readonly (string | number)[]) => `must be one of: ${values.join(', ')}`;

/** The amount is valid money in the sibling currency: at most the currency's decimal places. */
@ValidatorConstraint({ name: 'moneyAmount' })
class MoneyAmountConstraint implements ValidatorConstraintInterface {
  private problem = '';

  validate(amount: unknown, args: ValidationArguments): boolean {
    const { currency } = args.object as { currency?: unknown };
    if (typeof amount !== 'string' || typeof currency !== 'string') return true; // reported elsewhere
    if (!(CURRENCY_CODES as readonly string[]).includes(currency)) return true;
    try {
      const money = Money.of(amount, currency);
      const positive = (args.constraints as [boolean])[0];
      if (positive && !money.isPositive()) {
        this.problem = 'amount must be greater than zero';
        return false;
      }
      return true;
    } catch (error) {
      if (!isMoneyError(error)) throw error;
      this.problem = `amount: ${error.message}`;
      return false;
    }
  }

  defaultMessage(): string {
    return this.problem;
  }
}

/** The amount of money on the API: a decimal string valid in the sibling currency. */
function MoneyAmount(positive: boolean): PropertyDecorator {
  return (target, property) => {
    ApiProperty({
      example: '20000.00',
      description: `decimal string, ${positive ? '> 0' : '>= 0'}, at most the currency scale`,
    })(target, property);
    IsString({ message: 'amount must be a decimal string such as "20000.00"' })(target, property);
    Matches(/^\d{1,20}(\.\d{1,12})?$/, {
      message: 'amount must be a non-negative decimal string such as "20000.00"',
    })(target, property);
    Validate(MoneyAmountConstraint, [positive])(target, property);
  };
}

function MoneyCurrency(): PropertyDecorator {
  return (target, property) => {
    ApiProperty({ example: 'CNY' })(target, property);
    IsIn(CURRENCY_CODES, { message: 'currency must be a supported ISO 4217 code such as "CNY"' })(
      target,
      property,
    );
  };
}

/** Money that must be greater than zero: a decimal string and its currency, never a number. */
export class PositiveMoneyDto {
  @MoneyAmount(true)
  amount!: string;

  @MoneyCurrency()
  currency!: string;
}

/** Money that may be zero: a decimal string and its currency, never a number. */
export class NonNegativeMoneyDto {
  @MoneyAmount(false)
  amount!: string;

  @MoneyCurrency()
  currency!: string;
}

/** The credit-profile attributes, with the names and categories of the scorecard. */
export class CreditProfileDto {
  @ApiProperty({ enum: CheckingStatuses })
  @IsIn(CheckingStatuses, { message: oneOf(CheckingStatuses) })
  checkingStatus!: string;

  @ApiProperty({ enum: CreditHistories })
  @IsIn(CreditHistories, { message: oneOf(CreditHistories) })
  creditHistory!: string;

  @ApiProperty({ enum: Purposes })
  @IsIn(Purposes, { message: oneOf(Purposes) })
  purpose!: string;

  @ApiProperty({ enum: SavingsStatuses })
  @IsIn(SavingsStatuses, { message: oneOf(SavingsStatuses) })
  savingsStatus!: string;

  @ApiProperty({ enum: EmploymentSince })
  @IsIn(EmploymentSince, { message: oneOf(EmploymentSince) })
  employmentSince!: string;

  @ApiProperty({ minimum: 1, maximum: 4, description: 'installment as a share of income, 1-4' })
  @IsInt({ message: 'must be a whole number' })
  @Min(1, { message: 'must be at least 1' })
  @Max(4, { message: 'must be at most 4' })
  installmentRatePercent!: number;

  @ApiProperty({ enum: OtherParties })
  @IsIn(OtherParties, { message: oneOf(OtherParties) })
  otherParties!: string;

  @ApiProperty({ minimum: 1, maximum: 4, description: 'years at the present residence, 1-4' })
  @IsInt({ message: 'must be a whole number' })
  @Min(1, { message: 'must be at least 1' })
  @Max(4, { message: 'must be at most 4' })
  residenceSince!: number;

  @ApiProperty({ enum: PropertyMagnitudes })
  @IsIn(PropertyMagnitudes, { message: oneOf(PropertyMagnitudes) })
  propertyMagnitude!: string;

  @ApiProperty({ enum: OtherPaymentPlans })
  @IsIn(OtherPaymentPlans, { message: oneOf(OtherPaymentPlans) })
  otherPaymentPlans!: string;

  @ApiProperty({ enum: Housings })
  @IsIn(Housings, { message: oneOf(Housings) })
  housing!: string;

  @ApiProperty({ minimum: 0, maximum: 20 })
  @IsInt({ message: 'must be a whole number' })
  @Min(0, { message: 'must not be negative' })
  @Max(20, { message: 'must be at most 20' })
  existingCredits!: number;

  @ApiProperty({ enum: Jobs })
  @IsIn(Jobs, { message: oneOf(Jobs) })
  job!: string;

  @ApiProperty({ minimum: 0, maximum: 20 })
  @IsInt({ message: 'must be a whole number' })
  @Min(0, { message: 'must not be negative' })
  @Max(20, { message: 'must be at most 20' })
  dependents!: number;

  @ApiProperty({ enum: OwnTelephones })
  @IsIn(OwnTelephones, { message: oneOf(OwnTelephones) })
  ownTelephone!: string;
}

/**
 * The applicant. `name`, `nationalId` and `phone` are personal data: encrypted at rest, masked
 * in logs (these exact names are in the logger's redact paths), never in events.
 */
export class ApplicantDto {
  @ApiProperty({ example: 'Li Wei', maxLength: NameLengthMax })
  @IsString({ message: 'must be a string' })
  @MinLength(1, { message: 'must not be empty' })
  @MaxLength(NameLengthMax, { message: `must be at most ${NameLengthMax} characters` })
  @Matches(/\S/, { message: 'must not be blank' })
  name!: string;

  @ApiProperty({ example: '11010519491231002X', description: 'national ID number' })
  @IsString({ message: 'must be a string' })
  @Matches(/^[0-9A-Za-z][0-9A-Za-z -]{3,30}[0-9A-Za-z]$/, {
    message: 'must be 5-32 letters and digits (spaces and hyphens allowed inside)',
  })
  nationalId!: string;

  @ApiProperty({ example: '+8613800138000' })
  @IsString({ message: 'must be a string' })
  @Matches(/^\+?[0-9]{6,15}$/, {
    message: 'must be a phone number of 6-15 digits, optionally starting with +',
  })
  phone!: string;

  @ApiPropertyOptional({
    minimum: ApplicantAgeMin,
    maximum: ApplicantAgeMax,
    description: 'age in years; give age or dateOfBirth',
  })
  @IsOptional()
  @IsInt({ message: 'must be a whole number' })
  @Min(ApplicantAgeMin, { message: `must be at least ${ApplicantAgeMin}` })
  @Max(ApplicantAgeMax, { message: `must be at most ${ApplicantAgeMax}` })
  age?: number;

  @ApiPropertyOptional({
    example: '1990-05-17',
    description: 'date of birth (only the age is kept); give age or dateOfBirth',
  })
  @IsOptional()
  @IsString({ message: 'must be a date such as 1990-05-17' })
  dateOfBirth?: string;

  @ApiProperty({ type: NonNegativeMoneyDto })
  @IsDefined({ message: 'is required' })
  @IsObject({ message: 'must be an object { amount, currency }' })
  @ValidateNested()
  @Type(() => NonNegativeMoneyDto)
  monthlyIncome!: NonNegativeMoneyDto;

  @ApiProperty({ type: NonNegativeMoneyDto, description: 'existing monthly debt payments' })
  @IsDefined({ message: 'is required' })
  @IsObject({ message: 'must be an object { amount, currency }' })
  @ValidateNested()
  @Type(() => NonNegativeMoneyDto)
  monthlyDebtPayments!: NonNegativeMoneyDto;

  @ApiProperty({ type: CreditProfileDto })
  @IsDefined({ message: 'is required' })
  @IsObject({ message: 'must be an object' })
  @ValidateNested()
  @Type(() => CreditProfileDto)
  profile!: CreditProfileDto;
}

export class CreditLineRequestDto {
  @ApiProperty({ type: PositiveMoneyDto })
  @IsDefined({ message: 'is required' })
  @IsObject({ message: 'must be an object { amount, currency }' })
  @ValidateNested()
  @Type(() => PositiveMoneyDto)
  requestedLimit!: PositiveMoneyDto;
}

export class DrawRequestDto {
  @ApiProperty({ example: 'LINE-7f3c', description: 'an approved credit line of the applicant' })
  @IsString({ message: 'must be a string' })
  @MinLength(1, { message: 'must not be empty' })
  @MaxLength(IdLengthMax, { message: `must be at most ${IdLengthMax} characters` })
  lineId!: string;

  @ApiProperty({ enum: loanProducts })
  @IsIn(loanProducts, { message: oneOf(loanProducts) })
  product!: string;

  @ApiProperty({ type: PositiveMoneyDto })
  @IsDefined({ message: 'is required' })
  @IsObject({ message: 'must be an object { amount, currency }' })
  @ValidateNested()
  @Type(() => PositiveMoneyDto)
  amount!: PositiveMoneyDto;

  @ApiProperty({
    example: 6,
    description: `monthly periods: 3, 6 or 12 for an installment purchase; the term in months (1-${CashLoanTermMonthsMax}) for a cash loan`,
  })
  @IsInt({ message: 'must be a whole number' })
  periods!: number;

  @ApiPropertyOptional({ example: 'M-1001', description: 'installment purchase only' })
  @IsOptional()
  @IsString({ message: 'must be a string' })
  @MinLength(1, { message: 'must not be empty' })
  @MaxLength(IdLengthMax, { message: `must be at most ${IdLengthMax} characters` })
  merchantId?: string | null;

  @ApiPropertyOptional({
    enum: ['buyer', 'merchant'],
    description: 'who pays the plan fee; installment purchase only',
  })
  @IsOptional()
  @IsIn(['buyer', 'merchant'], { message: 'must be buyer or merchant' })
  feePayer?: 'buyer' | 'merchant' | null;

  @ApiPropertyOptional({
    enum: cashLoanRepaymentMethods,
    description:
      'cash loan only: daily-interest (default), equal-installment (等额本息) or equal-principal (等额本金); priced by the score band',
  })
  @IsOptional()
  @IsIn(cashLoanRepaymentMethods, { message: oneOf(cashLoanRepaymentMethods) })
  repaymentMethod?: string | null;
}

/** POST /v1/applications: a credit line (creditLine) or a draw on an approved line (draw). */
export class SubmitApplicationDto {
  @ApiProperty({ enum: applicationKinds })
  @IsIn(applicationKinds, { message: oneOf(applicationKinds) })
  kind!: (typeof applicationKinds)[number];

  @ApiProperty({ type: ApplicantDto })
  @IsDefined({ message: 'is required' })
  @IsObject({ message: 'must be an object' })
  @ValidateNested()
  @Type(() => ApplicantDto)
  applicant!: ApplicantDto;

  @ApiPropertyOptional({ type: CreditLineRequestDto, description: 'kind credit-line only' })
  @IsOptional()
  @IsObject({ message: 'must be an object' })
  @ValidateNested()
  @Type(() => CreditLineRequestDto)
  creditLine?: CreditLineRequestDto | null;

  @ApiPropertyOptional({ type: DrawRequestDto, description: 'kind draw only' })
  @IsOptional()
  @IsObject({ message: 'must be an object' })
  @ValidateNested()
  @Type(() => DrawRequestDto)
  draw?: DrawRequestDto | null;
}
