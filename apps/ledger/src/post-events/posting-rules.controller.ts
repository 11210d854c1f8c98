import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequireRole } from '@credit/platform';
import { rulesDocument } from '../domain/posting-rules';

@ApiTags('journal')
@Controller('v1/posting-rules')
export class PostingRulesController {
  @Get()
  @RequireRole('operator')
  @ApiOperation({
    summary: 'The posting rules in force: event type and version → journal lines (operator)',
  })
  rules(): ReturnType<typeof rulesDocument> {
    return rulesDocument();
  }
}
