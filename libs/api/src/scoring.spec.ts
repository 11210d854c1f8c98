import { readFileSync } from 'node:fs';
import { openApiFile, renderOpenApi } from '@credit/platform';
import { scoringApi } from './scoring';

it('docs/openapi/scoring.json is the document the routes generate (npm run openapi:generate)', () => {
  expect(readFileSync(openApiFile('scoring'), 'utf8')).toBe(renderOpenApi(scoringApi));
});
