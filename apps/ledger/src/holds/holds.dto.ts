import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsObject, IsOptional, IsString, Length, Matches } from 'class-validator';
import { AccountIdPattern } from '../domain/accounts';
import { DecimalAmountPattern } from '../entries/entries.dto';

export class CreateHoldDto {
  @ApiProperty({ example: 'assets:credit-lines:C-1001' })
  @Matches(AccountIdPattern, {
    message: 'debitAccount must be an account id such as "assets:bank:settlement"',
  })
  debitAccount!: string;

  @ApiProperty({ example: 'liabilities:credit-line-commitments:C-1001' })
  @Matches(AccountIdPattern, {
    message: 'creditAccount must be an account id such as "equity:capital"',
  })
  creditAccount!: string;

  @ApiProperty({ example: '1000.00' })
  @IsString({ message: 'amount must be a decimal string such as "1000.00"' })
  @Matches(DecimalAmountPattern, {
    message: 'amount must be a positive decimal string such as "1000.00"',
  })
  amount!: string;

  @ApiProperty({ example: 'CNY' })
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be an ISO 4217 code such as "CNY"' })
  currency!: string;

  @ApiProperty({ example: 'Reserve limit for purchase P-1' })
  @IsString()
  @Length(1, 500)
  description!: string;

  @ApiPropertyOptional({ description: 'the hold voids itself at this time' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'expiresAt must be an ISO 8601 timestamp' })
  expiresAt?: string;

  @ApiPropertyOptional({ type: Object })
  @IsOptional()
  @IsObject()
  metadata?: Record<string, unknown>;
}

export class PostHoldDto {
  @ApiPropertyOptional({ example: '400.00', description: 'defaults to the whole reserved amount' })
  @IsOptional()
  @IsString({ message: 'amount must be a decimal string such as "400.00"' })
  @Matches(DecimalAmountPattern, {
    message: 'amount must be a positive decimal string such as "400.00"',
  })
  amount?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 500)
  description?: string;
}

export class VoidHoldDto {
  @ApiPropertyOptional({ example: 'payout failed' })
  @IsOptional()
  @IsString()
  @Length(1, 300)
  reason?: string;
}
