/**
 * A small, strict reader for ARFF (Weka's Attribute-Relation File Format), enough for the
 * Statlog German Credit file: `@relation`, `@attribute <name> numeric|real|integer|{a, 'b c'}`,
 * `@data`, comma-separated rows with single- or double-quoted values, `%` comments and `?` for a
 * missing value. Anything else (sparse rows, string/date attributes, a wrong number of values, a
 * value outside its nominal set, a malformed number) is an error naming the 1-based line.
 */

export type ArffAttribute =
  | { readonly name: string; readonly type: 'numeric' }
  | { readonly name: string; readonly type: 'nominal'; readonly values: readonly string[] };

/** A numeric value is a JS number (statistics, not money), a nominal value its label; `?` is null. */
export type ArffValue = number | string | null;

export interface ArffRow {
  /** 1-based line of the row in the source text, for error messages downstream. */
  readonly line: number;
  readonly values: Readonly<Record<string, ArffValue>>;
}

export interface ArffDocument {
  readonly relation: string;
  readonly attributes: readonly ArffAttribute[];
  readonly rows: readonly ArffRow[];
}

export class ArffParseError extends Error {
  readonly code = 'ARFF.PARSE_ERROR';
  constructor(
    readonly line: number,
    reason: string,
  ) {
    super(`ARFF line ${line}: ${reason}`);
    this.name = 'ArffParseError';
  }
}

/** Rows beyond this are rejected: the reader holds the whole file in memory. */
export const ArffMaxRows = 1_000_000;

const NumericLiteral = /^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/;
const NumericTypes = new Set(['numeric', 'real', 'integer']);

/**
 * Splits a comma-separated list into tokens, honouring single and double quotes (with backslash
 * escapes inside quotes). Returns the raw tokens with quotes removed and a flag per token telling
 * whether it was quoted (a quoted `'?'` is a label, not a missing value).
 */
function splitValues(text: string, line: number): { value: string; quoted: boolean }[] {
  const tokens: { value: string; quoted: boolean }[] = [];
  let index = 0;
  const length = text.length;
  for (;;) {
    while (index < length && /\s/.test(text.charAt(index))) index += 1;
    const quote = text.charAt(index);
    if (quote === "'" || quote === '"') {
      let value = '';
      index += 1;
      let closed = false;
      while (index < length) {
        const ch = text.charAt(index);
        if (ch === '\\' && index + 1 < length) {
          value += text.charAt(index + 1);
          index += 2;
          continue;
        }
        if (ch === quote) {
          closed = true;
          index += 1;
          break;
        }
        value += ch;
        index += 1;
      }
      if (!closed) throw new ArffParseError(line, `unterminated quoted value ${quote}${value}`);
      tokens.push({ value, quoted: true });
      while (index < length && /\s/.test(text.charAt(index))) index += 1;
    } else {
      const start = index;
      while (index < length && text.charAt(index) !== ',') index += 1;
      const value = text.slice(start, index).trim();
      if (value === '')
        throw new ArffParseError(line, `empty value at position ${tokens.length + 1}`);
      if (/['"]/.test(value)) throw new ArffParseError(line, `stray quote in value ${value}`);
      tokens.push({ value, quoted: false });
    }
    if (index >= length) return tokens;
    if (text.charAt(index) !== ',') {
      throw new ArffParseError(line, `expected ',' after value ${tokens.length}`);
    }
    index += 1;
  }
}

/** Reads one name (quoted or bare) at the start of `text`; returns it and the remainder. */
function readName(text: string, line: number): { name: string; rest: string } {
  const trimmed = text.trimStart();
  const quote = trimmed.charAt(0);
  if (quote === "'" || quote === '"') {
    const end = trimmed.indexOf(quote, 1);
    if (end < 0) throw new ArffParseError(line, 'unterminated quoted name');
    return { name: trimmed.slice(1, end), rest: trimmed.slice(end + 1) };
  }
  const match = /^(\S+)(.*)$/s.exec(trimmed);
  if (!match?.[1]) throw new ArffParseError(line, 'missing name');
  return { name: match[1], rest: match[2] ?? '' };
}

function parseAttribute(text: string, line: number): ArffAttribute {
  const { name, rest } = readName(text, line);
  const type = rest.trim();
  if (type.startsWith('{')) {
    if (!type.endsWith('}')) throw new ArffParseError(line, `nominal set of ${name} is not closed`);
    const inner = type.slice(1, -1);
    if (inner.trim() === '') throw new ArffParseError(line, `nominal set of ${name} is empty`);
    const values = splitValues(inner, line).map((token) => token.value);
    if (new Set(values).size !== values.length) {
      throw new ArffParseError(line, `nominal set of ${name} repeats a value`);
    }
    return { name, type: 'nominal', values };
  }
  if (NumericTypes.has(type.toLowerCase())) return { name, type: 'numeric' };
  throw new ArffParseError(line, `unsupported type '${type}' for attribute ${name}`);
}

function parseValue(
  attribute: ArffAttribute,
  token: { value: string; quoted: boolean },
  line: number,
): ArffValue {
  if (!token.quoted && token.value === '?') return null;
  if (attribute.type === 'numeric') {
    if (!NumericLiteral.test(token.value)) {
      throw new ArffParseError(line, `${attribute.name}: '${token.value}' is not a number`);
    }
    const value = Number(token.value);
    if (!Number.isFinite(value)) {
      throw new ArffParseError(line, `${attribute.name}: '${token.value}' is not finite`);
    }
    return value;
  }
  if (!attribute.values.includes(token.value)) {
    throw new ArffParseError(
      line,
      `${attribute.name}: '${token.value}' is not one of {${attribute.values.join(', ')}}`,
    );
  }
  return token.value;
}

/** Strips a `%` comment that is not inside quotes. */
function stripComment(text: string): string {
  let quote = '';
  for (let index = 0; index < text.length; index += 1) {
    const ch = text.charAt(index);
    if (quote) {
      if (ch === '\\') index += 1;
      else if (ch === quote) quote = '';
    } else if (ch === "'" || ch === '"') {
      quote = ch;
    } else if (ch === '%') {
      return text.slice(0, index);
    }
  }
  return text;
}

export function parseArff(text: string): ArffDocument {
  const lines = text.split(/\r?\n/);
  let relation: string | null = null;
  const attributes: ArffAttribute[] = [];
  const rows: ArffRow[] = [];
  let inData = false;
  lines.forEach((raw, index) => {
    const line = index + 1;
    const content = stripComment(raw).trim();
    if (content === '') return;
    if (!inData) {
      const directive = /^@(\w+)\s*(.*)$/s.exec(content);
      if (!directive) throw new ArffParseError(line, `expected a @directive, got '${content}'`);
      const keyword = (directive[1] ?? '').toLowerCase();
      const rest = directive[2] ?? '';
      if (keyword === 'relation') {
        if (relation !== null) throw new ArffParseError(line, 'second @relation');
        relation = readName(rest, line).name;
      } else if (keyword === 'attribute') {
        if (relation === null) throw new ArffParseError(line, '@attribute before @relation');
        const attribute = parseAttribute(rest, line);
        if (attributes.some((a) => a.name === attribute.name)) {
          throw new ArffParseError(line, `attribute ${attribute.name} declared twice`);
        }
        attributes.push(attribute);
      } else if (keyword === 'data') {
        if (attributes.length === 0) throw new ArffParseError(line, '@data before any @attribute');
        if (rest.trim() !== '') throw new ArffParseError(line, 'unexpected text after @data');
        inData = true;
      } else {
        throw new ArffParseError(line, `unsupported directive @${keyword}`);
      }
      return;
    }
    if (content.startsWith('{')) throw new ArffParseError(line, 'sparse rows are not supported');
    if (content.startsWith('@'))
      throw new ArffParseError(line, `directive after @data: ${content}`);
    const tokens = splitValues(content, line);
    if (tokens.length !== attributes.length) {
      throw new ArffParseError(
        line,
        `expected ${attributes.length} values, found ${tokens.length}`,
      );
    }
    if (rows.length >= ArffMaxRows) throw new ArffParseError(line, `more than ${ArffMaxRows} rows`);
    const values: Record<string, ArffValue> = {};
    attributes.forEach((attribute, position) => {
      const token = tokens[position];
      if (!token) throw new ArffParseError(line, `missing value for ${attribute.name}`);
      values[attribute.name] = parseValue(attribute, token, line);
    });
    rows.push({ line, values });
  });
  if (relation === null) throw new ArffParseError(lines.length, 'no @relation');
  if (!inData) throw new ArffParseError(lines.length, 'no @data section');
  return { relation, attributes, rows };
}
