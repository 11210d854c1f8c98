import { readFileSync } from 'node:fs';
import { openApiFile, renderOpenApi } from '@credit/platform';
import { applicationApi } from './application';

it('docs/openapi/application.json is the document the routes generate (npm run openapi:generate)', () => {
  expect(readFileSync(openApiFile('application'), 'utf8')).toBe(renderOpenApi(applicationApi));
});
