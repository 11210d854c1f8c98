// Writes what the contracts generate: the JSON Schema of every event type into
// libs/contracts/schemas (removing files of types that no longer exist), and the README's topic
// table (between its topics:begin/end markers) from the streams in libs/contracts/src/streams.ts.
// The unit test libs/contracts/src/generated/generated-files.spec.ts fails while either is stale.
//
//   npm run contracts:generate
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  EventSchemasDir,
  ReadmePath,
  eventJsonSchemaFiles,
  withTopicTable,
} from '@credit/contracts';

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

function writeTopicTable(): void {
  const readme = path.join(repoRoot, ReadmePath);
  writeFileSync(readme, withTopicTable(readFileSync(readme, 'utf8')));
  process.stdout.write(`the topic table in ${ReadmePath}\n`);
}

writeEventSchemas();
writeTopicTable();
