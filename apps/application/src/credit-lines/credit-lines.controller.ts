import { Controller, Get, Param } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequireRole } from '@credit/platform';
import { ApplicationsService } from '../applications/applications.service';

@ApiTags('credit lines')
@Controller('v1/lines')
export class CreditLinesController {
  constructor(private readonly applications: ApplicationsService) {}

  @Get(':lineId')
  @RequireRole('customer')
  @ApiOperation({
    summary: 'A credit line opened by an approved credit-line application: limit and status',
  })
  async get(@Param('lineId') lineId: string) {
    return this.applications.lineView(lineId);
  }
}
