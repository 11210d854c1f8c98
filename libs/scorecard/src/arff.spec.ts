import { ArffParseError, parseArff } from './arff';

const header = [
  '% a comment line',
  '@relation tiny',
  "@attribute checking_status { '<0', 'no checking', plain}",
  '@attribute duration numeric % trailing comment',
  "@attribute 'quoted name' {yes, no}",
  '@data',
];

function lineOf(text: string): number {
  try {
    parseArff(text);
  } catch (error) {
    if (error instanceof ArffParseError) return error.line;
    throw error;
  }
  throw new Error('expected an ArffParseError');
}

describe('ARFF reader', () => {
  it('statlog-style-file-with-quotes-comments-and-missing-values', () => {
    const doc = parseArff(
      [...header, "'<0',6,yes", '', "'no checking', 12.5 , 'no' % row comment", 'plain,?,?'].join(
        '\n',
      ),
    );
    expect(doc.relation).toBe('tiny');
    expect(doc.attributes).toEqual([
      { name: 'checking_status', type: 'nominal', values: ['<0', 'no checking', 'plain'] },
      { name: 'duration', type: 'numeric' },
      { name: 'quoted name', type: 'nominal', values: ['yes', 'no'] },
    ]);
    expect(doc.rows).toEqual([
      { line: 7, values: { checking_status: '<0', duration: 6, 'quoted name': 'yes' } },
      { line: 9, values: { checking_status: 'no checking', duration: 12.5, 'quoted name': 'no' } },
      { line: 10, values: { checking_status: 'plain', duration: null, 'quoted name': null } },
    ]);
  });

  it('crlf-line-endings-are-read-like-lf', () => {
    const doc = parseArff([...header, "'<0',6,yes"].join('\r\n'));
    expect(doc.rows[0]?.values.duration).toBe(6);
  });

  it.each([
    ['a row with too few values', "'<0',6", 7],
    ['a value outside the nominal set', "'>=200',6,yes", 7],
    ['a malformed number', "'<0',6x,yes", 7],
    ['an exponent-only number', "'<0',e5,yes", 7],
    ['an unterminated quote', "'<0,6,yes", 7],
    ['an empty value', "'<0',,yes", 7],
  ])('rejects %s, naming the line', (_name, row, line) => {
    expect(lineOf([...header, row].join('\n'))).toBe(line);
    expect(() => parseArff([...header, row].join('\n'))).toThrow(`ARFF line ${line}:`);
  });

  it('error-on-the-third-data-row-names-that-line', () => {
    const text = [...header, "'<0',6,yes", "'<0',7,no", "'<0',8,maybe"].join('\n');
    expect(() => parseArff(text)).toThrow(
      "ARFF line 9: quoted name: 'maybe' is not one of {yes, no}",
    );
  });

  it.each([
    ['an unsupported attribute type', ['@relation r', '@attribute d date', '@data'], 2],
    ['@data before any attribute', ['@relation r', '@data'], 2],
    [
      'an attribute declared twice',
      ['@relation r', '@attribute a numeric', '@attribute a numeric'],
      3,
    ],
    ['an unclosed nominal set', ['@relation r', '@attribute a {x, y'], 2],
    ['a sparse row', ['@relation r', '@attribute a numeric', '@data', '{0 1}'], 4],
  ])('rejects %s in the header, naming the line', (_name, lines, line) => {
    expect(lineOf(lines.join('\n'))).toBe(line);
  });

  it('a file without @data is rejected', () => {
    expect(() => parseArff('@relation r\n@attribute a numeric\n')).toThrow('no @data section');
  });
});
