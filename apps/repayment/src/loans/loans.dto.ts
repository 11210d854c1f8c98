import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches } from 'class-validator';

export class RepaymentDto {
  @ApiProperty({
    example: '341.66',
    description: 'decimal string, > 0, at most the currency scale',
  })
  @IsString({ message: 'amount must be a decimal string such as "341.66"' })
  @Matches(/^\d{1,20}(\.\d{1,12})?$/, {
    message: 'amount must be a positive decimal string such as "341.66"',
  })
  amount!: string;

  @ApiProperty({ example: 'CNY' })
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be an ISO 4217 code such as "CNY"' })
  currency!: string;
}
