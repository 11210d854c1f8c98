import type { DataSource, EntityManager } from 'typeorm';
import { currencyScale, isCurrencyCode } from '@credit/money';
import type { AccountType, Side } from '../domain/accounts';

export const ExportFormats = ['hledger', 'csv'] as const;
export type ExportFormat = (typeof ExportFormats)[number];

/** Entries read per query while exporting (an entry has at most 50 lines). */
export const ExportPageMax = 1000;
/** Account directives read per query (sub-accounts make the chart large). */
export const ExportAccountPageMax = 5000;

/** Effective-date window: `from` inclusive, `to` exclusive; null leaves that side open. */
export interface ExportRange {
  readonly from: Date | null;
  readonly to: Date | null;
}

export interface ExportLine {
  readonly lineNo: number;
  readonly account: string;
  readonly side: Side;
  /** The numeric column's text, always > 0 (a database CHECK). */
  readonly amount: string;
  readonly currency: string;
}

export interface ExportEntry {
  readonly id: string;
  readonly seq: string;
  readonly effectiveAt: Date;
  readonly postedAt: Date;
  readonly description: string;
  readonly sourceEventId: string | null;
  readonly lines: readonly ExportLine[];
}

export const CsvHeader =
  'entry_id,seq,effective_at,posted_at,description,line_no,account,side,amount,currency';

const hledgerAccountType: Record<AccountType, string> = {
  asset: 'A',
  liability: 'L',
  equity: 'E',
  income: 'R',
  expense: 'X',
};

/**
 * A description hledger reads back as the same text on one line: control characters and line
 * breaks become spaces, `;` (starts a comment) becomes `,`, `|` (payee | note) becomes `/`.
 * A leading `*`, `!` or `(` would be read as a status or a code: an empty code `()` goes first.
 */
export function hledgerDescription(description: string): string {
  // eslint-disable-next-line no-control-regex
  const oneLine = description.replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, ' ');
  const text = oneLine.replace(/;/g, ',').replace(/\|/g, '/').replace(/\s+/g, ' ').trim();
  if (text === '') return '(no description)';
  return /^[*!(]/.test(text) ? `() ${text}` : text;
}

/** A line's amount signed for hledger: debit positive, credit negative. Exact text, no arithmetic. */
export function signedAmount(line: ExportLine): string {
  return line.side === 'debit' ? line.amount : `-${line.amount}`;
}

/** One hledger transaction, dated by the effective date in UTC, with the entry id as a tag. */
export function hledgerTransaction(entry: ExportEntry): string {
  const parts = [
    `${entry.effectiveAt.toISOString().slice(0, 10)} ${hledgerDescription(entry.description)}`,
    `    ; entry:${entry.id}`,
  ];
  if (entry.sourceEventId) parts.push(`    ; source-event:${entry.sourceEventId}`);
  for (const line of entry.lines) {
    parts.push(`    ${line.account}  ${signedAmount(line)} ${line.currency}`);
  }
  return `${parts.join('\n')}\n\n`;
}

/** `commodity` directive fixing the decimal mark and display precision, e.g. `commodity 1000.00 CNY`. */
export function hledgerCommodity(currency: string): string | null {
  if (!isCurrencyCode(currency)) return null;
  const scale = currencyScale(currency);
  return `commodity 1000.${'0'.repeat(scale)} ${currency}`;
}

/** RFC 4180: quoted when it holds a comma, a quote or a line break; quotes doubled. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** One CSV record per line of the entry, CRLF-terminated. */
export function csvRecords(entry: ExportEntry): string {
  return entry.lines
    .map(
      (line) =>
        [
          entry.id,
          entry.seq,
          entry.effectiveAt.toISOString(),
          entry.postedAt.toISOString(),
          entry.description,
          String(line.lineNo),
          line.account,
          line.side,
          line.amount,
          line.currency,
        ]
          .map(csvField)
          .join(',') + '\r\n',
    )
    .join('');
}

interface EntryRow {
  id: string;
  seq: string;
  effective_at: Date;
  posted_at: Date;
  description: string;
  source_event_id: string | null;
  lines: ExportLine[] | null;
}

async function readPage(
  manager: EntityManager,
  afterSeq: string,
  range: ExportRange,
): Promise<ExportEntry[]> {
  const rows = await manager.query<EntryRow[]>(
    `SELECT e.id, e.seq, e.effective_at, e.posted_at, e.description, e.source_event_id,
            (SELECT json_agg(json_build_object('lineNo', l.line_no, 'account', l.account_id, 'side', l.side,
                                               'amount', l.amount::text, 'currency', l.currency) ORDER BY l.line_no)
               FROM journal_lines l WHERE l.entry_id = e.id) AS lines
       FROM journal_entries e
      WHERE e.seq > $1::bigint
        AND ($2::timestamptz IS NULL OR e.effective_at >= $2::timestamptz)
        AND ($3::timestamptz IS NULL OR e.effective_at < $3::timestamptz)
      ORDER BY e.seq
      LIMIT $4`,
    [afterSeq, range.from?.toISOString() ?? null, range.to?.toISOString() ?? null, ExportPageMax],
  );
  return rows.map((row) => ({
    id: row.id,
    seq: row.seq,
    effectiveAt: row.effective_at,
    postedAt: row.posted_at,
    description: row.description,
    sourceEventId: row.source_event_id,
    lines: row.lines ?? [],
  }));
}

/** Header of the hledger file: decimal mark, commodities and every account with its type. */
async function writeHledgerPreamble(
  manager: EntityManager,
  write: (chunk: string) => Promise<boolean>,
): Promise<boolean> {
  const currencies = await manager.query<{ currency: string }[]>(
    `SELECT DISTINCT currency FROM accounts ORDER BY currency`,
  );
  const head = [
    '; Journal exported from the credit ledger. One transaction per entry, in posting (seq) order,',
    '; dated by its effective date (UTC). Amounts: debit positive, credit negative.',
    'decimal-mark .',
    '',
    ...currencies.map((c) => hledgerCommodity(c.currency)).filter((c): c is string => c !== null),
    '',
  ];
  if (!(await write(`${head.join('\n')}\n`))) return false;
  let afterId = '';
  for (;;) {
    const accounts = await manager.query<{ id: string; type: AccountType }[]>(
      `SELECT id, type FROM accounts WHERE id > $1 ORDER BY id LIMIT $2`,
      [afterId, ExportAccountPageMax],
    );
    const last = accounts.at(-1);
    if (!last) break;
    const chunk = accounts
      .map((a) => `account ${a.id}  ; type:${hledgerAccountType[a.type]}\n`)
      .join('');
    if (!(await write(chunk))) return false;
    afterId = last.id;
    if (accounts.length < ExportAccountPageMax) break;
  }
  return write('\n');
}

/**
 * Writes the journal in `format`, page by page from one repeatable-read snapshot (entries commit
 * out of seq order; the snapshot keeps the pages consistent). `write` resolves false when the
 * reader has gone away, which stops the export.
 */
export async function exportJournal(
  dataSource: DataSource,
  format: ExportFormat,
  range: ExportRange,
  write: (chunk: string) => Promise<boolean>,
): Promise<void> {
  await dataSource.transaction('REPEATABLE READ', async (manager) => {
    await manager.query(`SET TRANSACTION READ ONLY`);
    if (format === 'hledger') {
      if (!(await writeHledgerPreamble(manager, write))) return;
    } else if (!(await write(`${CsvHeader}\r\n`))) {
      return;
    }
    const render = format === 'hledger' ? hledgerTransaction : csvRecords;
    let afterSeq = '0';
    for (;;) {
      const entries = await readPage(manager, afterSeq, range);
      const last = entries.at(-1);
      if (!last) return;
      if (!(await write(entries.map(render).join('')))) return;
      afterSeq = last.seq;
      if (entries.length < ExportPageMax) return;
    }
  });
}
