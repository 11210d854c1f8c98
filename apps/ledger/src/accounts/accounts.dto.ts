import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import { AccountIdPattern, accountTypes, type AccountType, type Side } from '../domain/accounts';

const SignedDecimalPattern = /^-?\d{1,20}(\.\d{1,12})?$/;

export class CreateAccountDto {
  @ApiProperty({
    example: 'assets:credit-lines:C-1001',
    description: 'unique forever; creation is idempotent by id',
  })
  @IsString()
  @Matches(AccountIdPattern, {
    message: 'id must be a colon-separated hierarchy such as "assets:loans:principal:L-1"',
  })
  id!: string;

  @ApiProperty({ example: 'Credit line of customer C-1001' })
  @IsString()
  @Length(1, 200)
  name!: string;

  @ApiProperty({ enum: accountTypes })
  @IsIn(accountTypes, { message: `type must be one of ${accountTypes.join(', ')}` })
  type!: AccountType;

  @ApiPropertyOptional({ enum: ['debit', 'credit'], description: 'defaults from the type' })
  @IsOptional()
  @IsIn(['debit', 'credit'], { message: 'normalSide must be "debit" or "credit"' })
  normalSide?: Side;

  @ApiProperty({ example: 'CNY' })
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be an ISO 4217 code such as "CNY"' })
  currency!: string;

  @ApiPropertyOptional({ example: '0', description: 'lowest balance on the normal side' })
  @IsOptional()
  @Matches(SignedDecimalPattern, { message: 'minBalance must be a decimal string such as "0"' })
  minBalance?: string;

  @ApiPropertyOptional({
    example: '50000.00',
    description: 'highest balance on the normal side (a credit limit)',
  })
  @IsOptional()
  @Matches(SignedDecimalPattern, {
    message: 'maxBalance must be a decimal string such as "50000.00"',
  })
  maxBalance?: string;

  @ApiPropertyOptional({
    description: 'postings to <id>:<segment> create sub-accounts with these settings',
  })
  @IsOptional()
  @IsBoolean()
  allowsSubaccounts?: boolean;
}
