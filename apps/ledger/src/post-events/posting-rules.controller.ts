import { Controller } from '@nestjs/common';
import { Endpoint } from '@credit/platform';
import { postingRules } from '@credit/api';
import { rulesDocument } from '../domain/posting-rules';

@Controller()
export class PostingRulesController {
  @Endpoint(postingRules)
  rules(): ReturnType<typeof rulesDocument> {
    return rulesDocument();
  }
}
