import { readFileSync } from 'node:fs';
import { openApiFile, renderOpenApi } from '@credit/platform';
import { repaymentApi } from './repayment';

it('docs/openapi/repayment.json is the document the routes generate (npm run openapi:generate)', () => {
  expect(readFileSync(openApiFile('repayment'), 'utf8')).toBe(renderOpenApi(repaymentApi));
});
