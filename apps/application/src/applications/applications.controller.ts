import { Body, Controller, Get, Param, Post, Res } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { IdempotencyKey, RequireRole, parseUuid } from '@credit/platform';
import { ApplicationsService } from './applications.service';
import { SubmitApplicationDto } from './submit-application.dto';

@ApiTags('applications')
@Controller('v1/applications')
export class ApplicationsController {
  constructor(private readonly applications: ApplicationsService) {}

  @Post()
  @RequireRole('customer')
  @ApiHeader({ name: 'Idempotency-Key', required: true })
  @ApiBody({ type: SubmitApplicationDto })
  @ApiOperation({
    summary: 'Apply for a credit line, or for a draw (installment purchase, cash loan) on one',
    description:
      'Every invalid field is listed in one 400. Name, national ID and phone are encrypted at rest and never leave the service; events name the customer by a customer id derived from the national ID. The same key with the same content answers 200 with the same application (Idempotent-Replayed: true); with other content 409. A draw on a line that is not an approved line of the same customer is 422 APPLICATION.LINE_NOT_AVAILABLE.',
  })
  async submit(
    @IdempotencyKey() key: string,
    // Validated by validateSubmission (DTO and cross-field rules together), not by the global pipe.
    @Body() body: unknown,
    @Res() response: Response,
  ): Promise<void> {
    const { application, replayed } = await this.applications.submit(key, body);
    response
      .status(replayed ? 200 : 201)
      .setHeader('Idempotent-Replayed', String(replayed))
      .json(application);
  }

  @Get(':id')
  @RequireRole('customer')
  @ApiOperation({
    summary:
      'An application: status (submitted, approved, declined, referred), limit or price, reason codes, model version, score, line',
  })
  async get(@Param('id') id: string) {
    return this.applications.view(parseUuid('id', id));
  }
}
