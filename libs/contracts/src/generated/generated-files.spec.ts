import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { platformEventDefinitions } from '../events';
import { EventSchemasDir, eventJsonSchema, eventJsonSchemaFiles } from './event-json-schemas';
import { describeDrift, driftOf } from './generated-files';
import {
  ReadmePath,
  TopicTableBegin,
  TopicTableEnd,
  topicTable,
  withTopicTable,
} from './topic-table';

const repoRoot = path.resolve(__dirname, '..', '..', '..', '..');
const GenerateCommand = 'npm run contracts:generate';

function committedFiles(dir: string): Map<string, string> {
  const names = readdirSync(path.join(repoRoot, dir));
  return new Map(
    names.map((name) => [`${dir}/${name}`, readFileSync(path.join(repoRoot, dir, name), 'utf8')]),
  );
}

describe('generated contract files', () => {
  it(`the JSON Schemas in ${EventSchemasDir} are those the zod schemas generate`, () => {
    const drift = driftOf(eventJsonSchemaFiles(), committedFiles(EventSchemasDir));
    expect(describeDrift(drift, GenerateCommand)).toBe('');
  });

  it(`the topic table in ${ReadmePath} is the one the streams generate`, () => {
    const readme = readFileSync(path.join(repoRoot, ReadmePath), 'utf8');
    const drift = driftOf(
      new Map([[ReadmePath, withTopicTable(readme)]]),
      new Map([[ReadmePath, readme]]),
    );
    expect(describeDrift(drift, GenerateCommand)).toBe('');
  });

  it('replaces only what stands between the markers, and refuses a README without them', () => {
    const readme = `# A\n\n${TopicTableBegin}\n\nold table\n\n${TopicTableEnd}\n\nafter\n`;
    const table = topicTable();
    expect(withTopicTable(readme, table)).toBe(
      `# A\n\n${TopicTableBegin}\n\n${table}\n\n${TopicTableEnd}\n\nafter\n`,
    );
    expect(() => withTopicTable('# A\n')).toThrow(/lacks the markers/);
  });

  it('names the stale, missing and extra files and the command that fixes them', () => {
    const expected = new Map([
      ['a.json', '{}\n'],
      ['b.json', '{}\n'],
    ]);
    const actual = new Map([
      ['b.json', '{"old":true}\n'],
      ['c.json', '{}\n'],
    ]);
    expect(describeDrift(driftOf(expected, actual), GenerateCommand)).toBe(
      [
        'the generated files differ from what the contracts generate:',
        '  missing: a.json',
        '  stale:   b.json',
        '  extra:   c.json',
        `run \`${GenerateCommand}\` and commit the result`,
      ].join('\n'),
    );
    expect(describeDrift(driftOf(expected, expected), GenerateCommand)).toBe('');
  });

  it('gives every event type its file, with its own $id, and the envelope fixing type and version', () => {
    const files = eventJsonSchemaFiles();
    expect(files.size).toBe(platformEventDefinitions.length);
    for (const definition of platformEventDefinitions) {
      const schema = eventJsonSchema(definition);
      expect(schema.$id).toBe(
        `https://schemas.credit-platform.internal/events/${definition.type}.json`,
      );
      expect(schema.title).toBe(`${definition.type} v1`);
      expect(schema.properties).toMatchObject({
        type: { const: definition.type },
        version: { const: definition.version },
      });
    }
  });
});
