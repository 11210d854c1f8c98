import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsIn,
  IsISO8601,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  ValidateNested,
} from 'class-validator';
import { AccountIdPattern } from '../domain/accounts';
import { DescriptionLengthMax, EntryLinesMax } from '../domain/journal';
import { PostingBatchMax } from '../infrastructure/posting-engine';

export const DecimalAmountPattern = /^\d{1,20}(\.\d{1,12})?$/;
export const IdempotencyKeyPattern = /^[A-Za-z0-9._:@-]{1,200}$/;

export class LineDto {
  @ApiProperty({ example: 'assets:bank:settlement' })
  @IsString()
  @Matches(AccountIdPattern, {
    message: 'account must be a colon-separated account id such as "assets:bank:settlement"',
  })
  account!: string;

  @ApiProperty({ enum: ['debit', 'credit'] })
  @IsIn(['debit', 'credit'], { message: 'side must be "debit" or "credit"' })
  side!: 'debit' | 'credit';

  @ApiProperty({
    example: '100.00',
    description: 'decimal string, > 0, at most the currency scale',
  })
  @IsString({ message: 'amount must be a decimal string such as "100.00"' })
  @Matches(DecimalAmountPattern, {
    message: 'amount must be a positive decimal string such as "100.00"',
  })
  amount!: string;

  @ApiProperty({ example: 'CNY' })
  @IsString()
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be an ISO 4217 code such as "CNY"' })
  currency!: string;
}

export class EntryDto {
  @ApiPropertyOptional({ description: 'when the entry takes effect; defaults to now' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'effectiveAt must be an ISO 8601 timestamp' })
  effectiveAt?: string;

  @ApiProperty({ example: 'Capital injection' })
  @IsString()
  @Length(1, DescriptionLengthMax)
  description!: string;

  @ApiPropertyOptional({ type: Object })
  @IsOptional()
  @IsObject()
  metadata?: Record<string, unknown>;

  @ApiProperty({ type: [LineDto] })
  @ValidateNested({ each: true })
  @Type(() => LineDto)
  @ArrayMinSize(2, { message: 'lines must have at least 2 lines' })
  @ArrayMaxSize(EntryLinesMax)
  lines!: LineDto[];
}

export class BatchEntryDto extends EntryDto {
  @ApiProperty({ description: 'caller-supplied, unique forever per entry' })
  @Matches(IdempotencyKeyPattern, {
    message: 'idempotencyKey must be 1-200 characters of A-Z a-z 0-9 . _ : @ -',
  })
  idempotencyKey!: string;
}

export class BatchDto {
  @ApiProperty({ type: [BatchEntryDto] })
  @ValidateNested({ each: true })
  @Type(() => BatchEntryDto)
  @ArrayMinSize(1)
  @ArrayMaxSize(PostingBatchMax)
  entries!: BatchEntryDto[];
}

export class ReversalDto {
  @ApiProperty({ example: 'posted to the wrong account' })
  @IsString()
  @Length(1, 300)
  reason!: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsISO8601({ strict: true })
  effectiveAt?: string;
}
