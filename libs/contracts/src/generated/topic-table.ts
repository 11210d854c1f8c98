import type { EventDefinition } from '../catalog';
import { type StreamSpec, platformStreams } from '../streams';

export const ReadmePath = 'README.md';
export const TopicTableBegin =
  '<!-- topics:begin (generated from libs/contracts/src/streams.ts by `npm run contracts:generate`: edit there) -->';
export const TopicTableEnd = '<!-- topics:end -->';

const code = (text: string) => `\`${text}\``;
const types = (events: readonly EventDefinition[]) => events.map((e) => code(e.type)).join(', ');

function row(stream: StreamSpec): string[] {
  const produced = stream.producers.map(
    (p) => `${types(p.events)} (${p.note ? `${p.service}: ${p.note}` : p.service})`,
  );
  const consumed = stream.consumers.map((c) => `${c.group}: ${types(c.events)} (${c.purpose})`);
  return [
    code(stream.topic),
    stream.key,
    produced.join('; '),
    consumed.length > 0 ? consumed.join('; ') : 'none',
  ];
}

/** A Markdown table laid out as Prettier lays it out (each column padded to its widest cell). */
function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((cells) => cells[column]?.length ?? 0)),
  );
  const line = (cells: readonly string[]) =>
    `| ${cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join(' | ')} |`;
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join(
    '\n',
  );
}

/** The README's topic table: every domain topic, its key, its producers and its consumer groups. */
export function topicTable(streams: readonly StreamSpec[] = platformStreams): string {
  return markdownTable(
    ['topic', 'key', 'event types (producer)', 'consumed by (consumer group: event types, why)'],
    streams.map(row),
  );
}

/** The README with the text between the topic-table markers replaced by the generated table. */
export function withTopicTable(readme: string, table: string = topicTable()): string {
  const begin = readme.indexOf(TopicTableBegin);
  const end = readme.indexOf(TopicTableEnd);
  if (begin < 0 || end < begin) {
    throw new Error(`${ReadmePath} lacks the markers ${TopicTableBegin} … ${TopicTableEnd}`);
  }
  const head = readme.slice(0, begin + TopicTableBegin.length);
  return `${head}\n\n${table}\n\n${readme.slice(end)}`;
}
