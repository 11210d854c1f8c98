import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import { ReferralDeclineReasonCodes, ReferralPriceTiers } from '../domain/referral';

const OperatorPattern = /^[A-Za-z0-9._@-]{1,100}$/;
const operatorMessage = 'operator must be 1-100 characters of A-Z a-z 0-9 . _ @ - (who decides)';

export class ApproveReferralDto {
  @ApiProperty({ example: 'ops.li.wei', description: 'who decides (kept in the audit record)' })
  @IsString({ message: operatorMessage })
  @Matches(OperatorPattern, { message: operatorMessage })
  operator!: string;

  @ApiProperty({
    enum: ReferralPriceTiers,
    description: "the price tier granted: that tier's price and limit policy",
  })
  @IsIn(ReferralPriceTiers, {
    message: `priceTier must be one of ${ReferralPriceTiers.join(', ')}`,
  })
  priceTier!: string;

  @ApiPropertyOptional({
    example: '15000.00',
    description:
      'a credit line: the limit granted (required), at most what the tier grants the applicant and within the exposure cap; a draw: leave out (the amount drawn)',
  })
  @IsOptional()
  @IsString({ message: 'limit must be a decimal string such as "15000.00"' })
  @Matches(/^\d{1,15}(\.\d{1,6})?$/, {
    message: 'limit must be a decimal string such as "15000.00"',
  })
  limit?: string;

  @ApiPropertyOptional({ example: 'income verified by payslips' })
  @IsOptional()
  @IsString()
  @Length(1, 500)
  note?: string;
}

export class DeclineReferralDto {
  @ApiProperty({ example: 'ops.li.wei', description: 'who decides (kept in the audit record)' })
  @IsString({ message: operatorMessage })
  @Matches(OperatorPattern, { message: operatorMessage })
  operator!: string;

  @ApiProperty({ enum: ReferralDeclineReasonCodes })
  @IsIn(ReferralDeclineReasonCodes, {
    message: `reasonCode must be one of ${ReferralDeclineReasonCodes.join(', ')}`,
  })
  reasonCode!: string;

  @ApiPropertyOptional({ example: 'payslips do not match the stated income' })
  @IsOptional()
  @IsString()
  @Length(1, 500)
  note?: string;
}
