// Writes what the contracts generate: the JSON Schema of every event type into
// libs/contracts/schemas (removing files of types that no longer exist). The unit test
// libs/contracts/src/generated/generated-files.spec.ts fails while they are stale.
//
//   npm run contracts:generate
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { EventSchemasDir, eventJsonSchemaFiles } from '@credit/contracts';

const repoRoot = path.resolve(__dirname, '..', '..');

function writeEventSchemas(): void {
  const files = eventJsonSchemaFiles();
  const dir = path.join(repoRoot, EventSchemasDir);
  mkdirSync(dir, { recursive: true });
  for (const name of readdirSync(dir)) {
    if (!files.has(`${EventSchemasDir}/${name}`)) rmSync(path.join(dir, name));
  }
  for (const [file, text] of files) writeFileSync(path.join(repoRoot, file), text);
  process.stdout.write(`${files.size} event schemas in ${EventSchemasDir}\n`);
}

writeEventSchemas();
