// npm run openapi:generate: writes each service's OpenAPI document, generated from its route
// definitions, to docs/openapi/<service>.json. A unit test per service fails when a file is stale.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { openApiFile, renderOpenApi } from '@credit/platform';
import {
  applicationApi,
  disbursementApi,
  ledgerApi,
  portfolioApi,
  repaymentApi,
  scoringApi,
} from '@credit/api';

for (const api of [
  applicationApi,
  scoringApi,
  disbursementApi,
  repaymentApi,
  ledgerApi,
  portfolioApi,
]) {
  const file = openApiFile(api.service);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, renderOpenApi(api));
  process.stdout.write(`${path.relative(process.cwd(), file)}: ${api.routes.length} operations\n`);
}
