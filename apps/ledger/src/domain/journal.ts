import { LedgerDescriptionLengthMax, LedgerEntryLinesMax } from '@credit/contracts';
import { requestHash, systemActor } from '@credit/kernel';
import { Money, isMoneyError } from '@credit/money';
import type { Account, Side } from './accounts';
import { assertKnownCurrency } from './currencies';
import { LedgerError } from './ledger-error';

/** Lines per entry: an entry is a small, reviewable thing (shared with the API through the contracts). */
export const EntryLinesMax = LedgerEntryLinesMax;
export const DescriptionLengthMax = LedgerDescriptionLengthMax;

export interface LineDraft {
  readonly account: string;
  readonly side: Side;
  /** Decimal string at most at the currency's scale, greater than zero. */
  readonly amount: string;
  readonly currency: string;
}

export interface EntryDraft {
  readonly idempotencyKey: string;
  /** When the entry takes effect; null means when it is posted. */
  readonly effectiveAt: string | null;
  readonly description: string;
  readonly metadata: Record<string, unknown>;
  /** The business event this entry records, for event-driven postings. */
  readonly sourceEventId: string | null;
  readonly sourceEventType: string | null;
  /** The posting rule (id@version) that produced it, for event-driven postings. */
  readonly rule: string | null;
  readonly reversesEntryId: string | null;
  /**
   * Who posts it, recorded with the entry (not hashed, not in the chain): `role:holder:credential`
   * for a request, LedgerSystemActor for the ledger's own postings (events, holds expiring).
   */
  readonly actor: string;
  readonly lines: readonly LineDraft[];
}

/** The actor of the ledger's own writes: event postings, sub-accounts from templates, hold expiry. */
export const LedgerSystemActor = systemActor('ledger');

/** A validated line: the amount as Money at the currency's scale. */
export interface Line {
  readonly lineNo: number;
  readonly account: string;
  readonly side: Side;
  readonly amount: Money;
}

export interface ValidatedEntry extends Omit<EntryDraft, 'lines'> {
  readonly lines: readonly Line[];
  /** SHA-256 over the content: the same key with other content is a conflict. */
  readonly requestHash: string;
}

/** Validates shape, amounts, currencies and the per-currency balance. Pure. */
export function validateEntry(draft: EntryDraft): ValidatedEntry {
  if (draft.lines.length < 2) {
    throw new LedgerError('LEDGER.INVALID_ENTRY', 'an entry needs at least two lines', {
      lines: draft.lines.length,
    });
  }
  if (draft.lines.length > EntryLinesMax) {
    throw new LedgerError('LEDGER.INVALID_ENTRY', `an entry has at most ${EntryLinesMax} lines`);
  }
  if (draft.description.trim().length === 0 || draft.description.length > DescriptionLengthMax) {
    throw new LedgerError(
      'LEDGER.INVALID_ENTRY',
      `description must be 1 to ${DescriptionLengthMax} characters`,
    );
  }
  if (draft.effectiveAt !== null && !isIsoTimestamp(draft.effectiveAt)) {
    throw new LedgerError(
      'LEDGER.INVALID_ENTRY',
      `effectiveAt "${draft.effectiveAt}" is not a timestamp`,
    );
  }
  const lines = draft.lines.map((line, index): Line => {
    assertKnownCurrency(line.currency, `lines[${index}].currency`);
    const field = `lines[${index}].amount`;
    let amount: Money;
    try {
      amount = Money.of(line.amount, line.currency);
    } catch (error) {
      if (isMoneyError(error)) {
        const code =
          error.code === 'MONEY.SCALE_EXCEEDED' ? 'LEDGER.SCALE_EXCEEDED' : 'LEDGER.INVALID_ENTRY';
        throw new LedgerError(code, `${field}: ${error.message}`, { line: index, field });
      }
      throw error;
    }
    if (!amount.isPositive()) {
      throw new LedgerError('LEDGER.INVALID_ENTRY', `${field} must be greater than zero`, {
        line: index,
        field,
      });
    }
    if (line.side !== 'debit' && line.side !== 'credit') {
      throw new LedgerError(
        'LEDGER.INVALID_ENTRY',
        `lines[${index}].side must be "debit" or "credit"`,
      );
    }
    return { lineNo: index + 1, account: line.account, side: line.side, amount };
  });
  assertBalanced(lines);
  return {
    ...draft,
    effectiveAt: draft.effectiveAt === null ? null : new Date(draft.effectiveAt).toISOString(),
    lines,
    requestHash: requestHashOf(draft, lines),
  };
}

const IsoTimestampPattern =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(:(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** A full ISO 8601 timestamp with a zone, whose date exists (no 31 February). */
export function isIsoTimestamp(value: string): boolean {
  const match = IsoTimestampPattern.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const calendar = new Date(Date.UTC(year, month - 1, day));
  return (
    calendar.getUTCFullYear() === year &&
    calendar.getUTCMonth() === month - 1 &&
    calendar.getUTCDate() === day
  );
}

/** Per currency, debits equal credits. */
export function assertBalanced(lines: readonly Line[]): void {
  const net = new Map<string, bigint>();
  for (const line of lines) {
    const units = line.amount.minorUnits();
    net.set(
      line.amount.currency,
      (net.get(line.amount.currency) ?? 0n) + (line.side === 'debit' ? units : -units),
    );
  }
  const off = [...net].filter(([, units]) => units !== 0n);
  if (off.length > 0) {
    throw new LedgerError(
      'LEDGER.UNBALANCED',
      `debits and credits differ: ${off
        .map(
          ([currency, units]) => `${currency} ${Money.fromMinorUnits(units, currency).toString()}`,
        )
        .join(', ')} (debits minus credits)`,
      {
        differences: Object.fromEntries(
          off.map(([c, u]) => [c, Money.fromMinorUnits(u, c).toString()]),
        ),
      },
    );
  }
}

/** Each line's account must exist (or be created from a template) in the line's currency. */
export function assertLinesMatchAccounts(
  entry: ValidatedEntry,
  accountOf: (id: string) => Account,
): void {
  entry.lines.forEach((line, index) => {
    const account = accountOf(line.account);
    if (account.currency !== line.amount.currency) {
      throw new LedgerError(
        'LEDGER.CURRENCY_MISMATCH',
        `lines[${index}].currency: account ${account.id} is kept in ${account.currency}, the line is in ${line.amount.currency}; no silent conversion`,
        { line: index, account: account.id, field: `lines[${index}].currency` },
      );
    }
  });
}

export function requestHashOf(draft: EntryDraft, lines: readonly Line[]): string {
  return requestHash({
    effectiveAt: draft.effectiveAt === null ? null : new Date(draft.effectiveAt).toISOString(),
    description: draft.description,
    metadata: draft.metadata,
    sourceEventId: draft.sourceEventId,
    reversesEntryId: draft.reversesEntryId,
    lines: lines.map((l) => [l.account, l.side, l.amount.toString(), l.amount.currency]),
  });
}

/** The entry that undoes `original`: the same lines with the sides swapped. */
export function reversalDraft(
  original: { id: string; description: string; lines: readonly LineDraft[] },
  idempotencyKey: string,
  effectiveAt: string | null,
  reason: string,
  actor: string,
): EntryDraft {
  return {
    idempotencyKey,
    effectiveAt,
    description: `Reversal of ${original.id}: ${reason}`.slice(0, DescriptionLengthMax),
    metadata: { reason },
    sourceEventId: null,
    sourceEventType: null,
    rule: null,
    reversesEntryId: original.id,
    actor,
    lines: original.lines.map((line) => ({
      ...line,
      side: line.side === 'debit' ? 'credit' : 'debit',
    })),
  };
}
