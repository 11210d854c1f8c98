// npm run openapi:generate: writes each service's OpenAPI document, generated from its route
// definitions, to docs/openapi/<service>.json. A unit test per service fails when a file is stale.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { openApiFile, renderOpenApi } from '@credit/platform';
/* eslint-disable @nx/enforce-module-boundaries -- a dev script reads each app's route definitions
   in place until they move into a library the seed and e2e tests can use too (issue 14 note) */
import { applicationApi } from '../../apps/application/src/api/application-api';
import { disbursementApi } from '../../apps/disbursement/src/api/disbursement-api';
import { ledgerApi } from '../../apps/ledger/src/api/ledger-api';
import { repaymentApi } from '../../apps/repayment/src/api/repayment-api';
import { scoringApi } from '../../apps/scoring/src/api/scoring-api';
/* eslint-enable @nx/enforce-module-boundaries */

for (const api of [applicationApi, scoringApi, disbursementApi, repaymentApi, ledgerApi]) {
  const file = openApiFile(api.service);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, renderOpenApi(api));
  process.stdout.write(`${path.relative(process.cwd(), file)}: ${api.routes.length} operations\n`);
}
