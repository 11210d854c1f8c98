import { Body, Controller, Post } from '@nestjs/common';
import { ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsISO8601, Matches } from 'class-validator';
import { RequireRole } from '@credit/platform';
import { type CloseOfBusinessReport, CloseOfBusinessService } from './close-of-business.service';

export class CloseOfBusinessDto {
  @ApiProperty({
    example: '2026-11-25',
    description: 'the business date to close (idempotent by date)',
  })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'businessDate must be a date such as 2026-11-25' })
  @IsISO8601({ strict: true }, { message: 'businessDate must be a real calendar date' })
  businessDate!: string;
}

@ApiTags('close of business')
@Controller('v1/close-of-business')
export class CloseOfBusinessController {
  constructor(private readonly cob: CloseOfBusinessService) {}

  @Post()
  @RequireRole('operator')
  @ApiOperation({
    summary: 'Close a business date now (operator); running a date twice changes nothing',
    description:
      'Accrues interest, charges fees and installments falling due, assesses penalties, updates delinquency and charges off at the configured days past due, for every active loan through the date. Closing a future date moves business time forward (tests use it).',
  })
  async close(@Body() body: CloseOfBusinessDto): Promise<CloseOfBusinessReport> {
    return this.cob.close(body.businessDate);
  }
}
