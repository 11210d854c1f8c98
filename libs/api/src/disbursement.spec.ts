import { readFileSync } from 'node:fs';
import { openApiFile, renderOpenApi } from '@credit/platform';
import { disbursementApi } from './disbursement';

it('docs/openapi/disbursement.json is the document the routes generate (npm run openapi:generate)', () => {
  expect(readFileSync(openApiFile('disbursement'), 'utf8')).toBe(renderOpenApi(disbursementApi));
});
