import type { DataSource, EntityManager } from 'typeorm';
import { currencyScale, isCurrencyCode } from '@credit/money';
import type { AccountType } from '../domain/accounts';
import {
  type ExportEntry,
  type ExportLine,
  type ExportRange,
  JournalExportStore,
  inReadOnlySnapshot,
} from '../infrastructure/journal-store';

export type { ExportEntry, ExportLine, ExportRange } from '../infrastructure/journal-store';

import type { ExportFormat } from '@credit/api';

/** Entries read per query while exporting (an entry has at most 50 lines). */
export const ExportPageMax = 1000;
/** Account directives read per query (sub-accounts make the chart large). */
export const ExportAccountPageMax = 5000;

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

/** Header of the hledger file: decimal mark, commodities and every account with its type. */
async function writeHledgerPreamble(
  manager: EntityManager,
  write: (chunk: string) => Promise<boolean>,
): Promise<boolean> {
  const currencies = await JournalExportStore.currencies(manager);
  const head = [
    '; Journal exported from the credit ledger. One transaction per entry, in posting (seq) order,',
    '; dated by its effective date (UTC). Amounts: debit positive, credit negative.',
    'decimal-mark .',
    '',
    ...currencies.map(hledgerCommodity).filter((c): c is string => c !== null),
    '',
  ];
  if (!(await write(`${head.join('\n')}\n`))) return false;
  let afterId = '';
  for (;;) {
    const accounts = await JournalExportStore.accountsPage(manager, afterId, ExportAccountPageMax);
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
  await inReadOnlySnapshot(dataSource, async (manager) => {
    if (format === 'hledger') {
      if (!(await writeHledgerPreamble(manager, write))) return;
    } else if (!(await write(`${CsvHeader}\r\n`))) {
      return;
    }
    const render = format === 'hledger' ? hledgerTransaction : csvRecords;
    let afterSeq = '0';
    for (;;) {
      const entries = await JournalExportStore.readPage(manager, afterSeq, range, ExportPageMax);
      const last = entries.at(-1);
      if (!last) return;
      if (!(await write(entries.map(render).join('')))) return;
      afterSeq = last.seq;
      if (entries.length < ExportPageMax) return;
    }
  });
}
