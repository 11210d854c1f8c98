import { readFileSync } from 'node:fs';
import { openApiFile, renderOpenApi } from '@credit/platform';
import { ledgerApi } from './ledger';

it('docs/openapi/ledger.json is the document the routes generate (npm run openapi:generate)', () => {
  expect(readFileSync(openApiFile('ledger'), 'utf8')).toBe(renderOpenApi(ledgerApi));
});
