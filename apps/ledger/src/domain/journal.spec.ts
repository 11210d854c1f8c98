import fc from 'fast-check';
import type { Account } from './accounts';
import {
  DescriptionLengthMax,
  EntryLinesMax,
  assertLinesMatchAccounts,
  reversalDraft,
  validateEntry,
  type EntryDraft,
  type LineDraft,
} from './journal';
import { draftOf } from './entry-drafts.testing';
import { LedgerError } from './ledger-error';
import { errorOf } from '@credit/testing';

const line = (
  account: string,
  side: 'debit' | 'credit',
  amount: string,
  currency = 'CNY',
): LineDraft => ({ account, side, amount, currency });

/** The two lines that move `amount` from `credit` to `debit`. */
const transfer = (debit: string, credit: string, amount: string, currency = 'CNY'): LineDraft[] => [
  line(debit, 'debit', amount, currency),
  line(credit, 'credit', amount, currency),
];

const draft = (lines: readonly LineDraft[], extra: Partial<EntryDraft> = {}): EntryDraft =>
  draftOf('key-1', lines, extra);

/** Loan L-1 of merchant M-1: principal, less the fee the merchant pays, plus that fee. */
const disbursementOf = ({
  loan = 'L-1',
  principal = '1000.00',
  payable = '975.00',
  fee = '25.00',
  currency = 'CNY',
} = {}): LineDraft[] => [
  line(`assets:loans:principal:${loan}`, 'debit', principal, currency),
  line('liabilities:merchant-payable:M-1', 'credit', payable, currency),
  line('income:installment-fee', 'credit', fee, currency),
];
const disbursement = disbursementOf();

const ledgerErrorOf = (action: () => unknown) => errorOf(action, LedgerError);

const hashOf = (entry: EntryDraft) => validateEntry(entry).requestHash;

describe('validateEntry', () => {
  describe('shape', () => {
    it('accepts a balanced three-line disbursement and numbers the lines from 1', () => {
      const entry = validateEntry(draft(disbursement));
      expect(entry.lines.map((l) => [l.lineNo, l.account, l.side, l.amount.toString()])).toEqual([
        [1, 'assets:loans:principal:L-1', 'debit', '1000.00'],
        [2, 'liabilities:merchant-payable:M-1', 'credit', '975.00'],
        [3, 'income:installment-fee', 'credit', '25.00'],
      ]);
      expect(entry.requestHash).toMatch(/^[0-9a-f]{64}$/);
    });

    it('rejects an entry with no line or a single line as LEDGER.INVALID_ENTRY', () => {
      for (const lines of [[], [line('assets:bank:settlement', 'debit', '1.00')]]) {
        const error = ledgerErrorOf(() => validateEntry(draft(lines)));
        expect(error.code).toBe('LEDGER.INVALID_ENTRY');
        expect(error.details).toEqual({ lines: lines.length });
      }
    });

    it(`accepts ${EntryLinesMax} lines and rejects ${EntryLinesMax + 1}`, () => {
      const pairs = (n: number) =>
        Array.from({ length: n }, (_, i) =>
          line(`assets:receivable:fee:F-${i}`, i % 2 === 0 ? 'debit' : 'credit', '1.00'),
        );
      expect(() => validateEntry(draft(pairs(EntryLinesMax)))).not.toThrow();
      const many = [...pairs(EntryLinesMax), line('assets:suspense', 'debit', '1.00')];
      expect(ledgerErrorOf(() => validateEntry(draft(many))).code).toBe('LEDGER.INVALID_ENTRY');
    });

    it('rejects a blank or over-long description', () => {
      for (const description of ['', '   ', 'x'.repeat(DescriptionLengthMax + 1)]) {
        expect(ledgerErrorOf(() => validateEntry(draft(disbursement, { description }))).code).toBe(
          'LEDGER.INVALID_ENTRY',
        );
      }
      expect(() =>
        validateEntry(draft(disbursement, { description: 'x'.repeat(DescriptionLengthMax) })),
      ).not.toThrow();
    });

    it('rejects a side that is neither debit nor credit', () => {
      const lines = [
        line('assets:bank:settlement', 'debit', '1.00'),
        { ...line('equity:capital', 'credit', '1.00'), side: 'sideways' as 'credit' },
      ];
      const error = ledgerErrorOf(() => validateEntry(draft(lines)));
      expect(error.code).toBe('LEDGER.INVALID_ENTRY');
      expect(error.message).toMatch(/lines\[1\]\.side/);
    });
  });

  describe('amounts', () => {
    it.each([
      ['zero', '0.00'],
      ['zero without decimals', '0'],
      ['negative', '-5.00'],
    ])('rejects a %s amount as LEDGER.INVALID_ENTRY naming the line', (_name, amount) => {
      const error = ledgerErrorOf(() =>
        validateEntry(
          draft([
            line('assets:bank:settlement', 'debit', '5.00'),
            line('equity:capital', 'credit', amount),
          ]),
        ),
      );
      expect(error.code).toBe('LEDGER.INVALID_ENTRY');
      expect(error.details).toEqual({ line: 1, field: 'lines[1].amount' });
    });

    it.each([
      ['1e3', 'an exponent'],
      ['1,000.00', 'a thousands separator'],
      [' 1.00', 'whitespace'],
      ['abc', 'letters'],
    ])('rejects "%s" (%s) as LEDGER.INVALID_ENTRY', (amount) => {
      const error = ledgerErrorOf(() =>
        validateEntry(
          draft([
            line('assets:bank:settlement', 'debit', amount),
            line('equity:capital', 'credit', '1000.00'),
          ]),
        ),
      );
      expect(error.code).toBe('LEDGER.INVALID_ENTRY');
      expect(error.details).toEqual({ line: 0, field: 'lines[0].amount' });
    });

    it('rejects a currency outside the ISO 4217 table as LEDGER.UNKNOWN_CURRENCY naming the field', () => {
      const lines = [
        line('assets:bank:settlement', 'debit', '1.00', 'CNY'),
        line('equity:capital', 'credit', '1.00', 'XXX'),
      ];
      const error = ledgerErrorOf(() => validateEntry(draft(lines)));
      expect(error.code).toBe('LEDGER.UNKNOWN_CURRENCY');
      expect(error.details).toEqual({ field: 'lines[1].currency' });
    });

    it.each([
      ['CNY', '10.505', '10.50'],
      ['JPY', '100.5', '100'],
      ['KWD', '1.2505', '1.250'],
    ])(
      'enforces the scale of %s: %s is LEDGER.SCALE_EXCEEDED, %s is fine',
      (currency, tooFine, fine) => {
        const lines = (amount: string) => [
          line('assets:bank:settlement', 'debit', amount, currency),
          line('equity:capital', 'credit', amount, currency),
        ];
        const error = ledgerErrorOf(() => validateEntry(draft(lines(tooFine))));
        expect(error.code).toBe('LEDGER.SCALE_EXCEEDED');
        expect(error.details).toEqual({ line: 0, field: 'lines[0].amount' });
        const entry = validateEntry(draft(lines(fine)));
        expect(entry.lines[0]?.amount.toString()).toBe(fine);
        expect(entry.lines[0]?.amount.currency).toBe(currency);
      },
    );

    it('books JPY in whole yen: 100 is 100 minor units, 1.00 CNY is 100 fen', () => {
      const yen = validateEntry(
        draft(transfer('assets:bank:settlement', 'equity:capital', '100', 'JPY')),
      );
      expect(yen.lines[0]?.amount.minorUnits()).toBe(100n);
      const yuan = validateEntry(
        draft([
          line('assets:bank:settlement', 'debit', '1.00'),
          line('equity:capital', 'credit', '1'),
        ]),
      );
      expect(yuan.lines.map((l) => l.amount.minorUnits())).toEqual([100n, 100n]);
    });

    it('accepts trailing zeros beyond the scale ("10.500" is exactly 10.50)', () => {
      const entry = validateEntry(
        draft([
          line('assets:bank:settlement', 'debit', '10.500'),
          line('equity:capital', 'credit', '10.5'),
        ]),
      );
      expect(entry.lines.map((l) => l.amount.toString())).toEqual(['10.50', '10.50']);
    });
  });

  describe('balance per currency', () => {
    it('rejects an unbalanced entry as LEDGER.UNBALANCED with the difference, debits minus credits', () => {
      const error = ledgerErrorOf(() =>
        validateEntry(
          draft([
            line('assets:loans:principal:L-1', 'debit', '1000.00'),
            line('liabilities:merchant-payable:M-1', 'credit', '975.00'),
            line('income:installment-fee', 'credit', '24.99'),
          ]),
        ),
      );
      expect(error.code).toBe('LEDGER.UNBALANCED');
      expect(error.details).toEqual({ differences: { CNY: '0.01' } });
      expect(error.message).toContain('CNY 0.01');
      expect(error.kind).toBe('invalid');
      expect(error.retriable).toBe(false);
    });

    it('reports a credit-heavy difference as negative', () => {
      const error = ledgerErrorOf(() =>
        validateEntry(
          draft([
            line('assets:bank:settlement', 'debit', '10.00'),
            line('equity:capital', 'credit', '12.50'),
          ]),
        ),
      );
      expect(error.details).toEqual({ differences: { CNY: '-2.50' } });
    });

    it('accepts a two-currency entry that balances in each currency', () => {
      const entry = validateEntry(
        draft([
          ...transfer('assets:bank:settlement', 'equity:capital', '100.00', 'USD'),
          line('assets:bank:settlement', 'debit', '720', 'JPY'),
          line('equity:capital', 'credit', '700', 'JPY'),
          line('income:interest', 'credit', '20', 'JPY'),
        ]),
      );
      expect(entry.lines.map((l) => l.amount.currency)).toEqual([
        'USD',
        'USD',
        'JPY',
        'JPY',
        'JPY',
      ]);
    });

    it('rejects two currencies that only "balance" when added together, naming both differences', () => {
      const error = ledgerErrorOf(() =>
        validateEntry(
          draft([
            line('assets:bank:settlement', 'debit', '10.00', 'CNY'),
            line('equity:capital', 'credit', '10.00', 'USD'),
          ]),
        ),
      );
      expect(error.code).toBe('LEDGER.UNBALANCED');
      expect(error.details).toEqual({ differences: { CNY: '10.00', USD: '-10.00' } });
    });

    it('names only the currency that is off in a two-currency entry', () => {
      const error = ledgerErrorOf(() =>
        validateEntry(
          draft([
            ...transfer('assets:bank:settlement', 'equity:capital', '10.00', 'USD'),
            line('assets:bank:settlement', 'debit', '1.000', 'KWD'),
            line('equity:capital', 'credit', '1.001', 'KWD'),
          ]),
        ),
      );
      expect(error.details).toEqual({ differences: { KWD: '-0.001' } });
    });
  });

  describe('effectiveAt', () => {
    it('keeps null (posting time) as null', () => {
      expect(validateEntry(draft(disbursement)).effectiveAt).toBeNull();
    });

    it('normalises a given timestamp to UTC ISO', () => {
      const entry = validateEntry(
        draft(disbursement, { effectiveAt: '2024-05-01T08:00:00+08:00' }),
      );
      expect(entry.effectiveAt).toBe('2024-05-01T00:00:00.000Z');
    });

    it('rejects a timestamp that does not parse', () => {
      const error = ledgerErrorOf(() =>
        validateEntry(draft(disbursement, { effectiveAt: 'yesterday' })),
      );
      expect(error.code).toBe('LEDGER.INVALID_ENTRY');
    });
  });

  describe('requestHash: one content, one hash', () => {
    const base = draft(disbursement, {
      effectiveAt: '2024-05-01T00:00:00.000Z',
      metadata: { loanId: 'L-1', tags: { a: 1, b: [1, 2] } },
    });

    it('is the same for the same content, whatever the key, key order or amount spelling', () => {
      const same = draft(disbursementOf({ principal: '1000', payable: '975.0', fee: '25.000' }), {
        idempotencyKey: 'another-key',
        effectiveAt: '2024-05-01T08:00:00+08:00',
        metadata: { tags: { b: [1, 2], a: 1 }, loanId: 'L-1' },
        // Who posts is audited, not content: the same entry sent again by another is a replay.
        actor: 'admin:bob:cred_9f8e7d6c5b4a',
      });
      expect(hashOf(same)).toBe(hashOf(base));
    });

    it.each<[string, Partial<EntryDraft>]>([
      ['description', { description: 'Loan disbursement (corrected)' }],
      ['metadata', { metadata: { loanId: 'L-2', tags: { a: 1, b: [1, 2] } } }],
      ['metadata array order', { metadata: { loanId: 'L-1', tags: { a: 1, b: [2, 1] } } }],
      ['effectiveAt', { effectiveAt: '2024-05-01T00:00:00.001Z' }],
      ['effectiveAt null vs given', { effectiveAt: null }],
      ['sourceEventId', { sourceEventId: '5b0f6c1e-2f0e-4f43-9d55-0a4c5c4e9a11' }],
      ['reversesEntryId', { reversesEntryId: '5b0f6c1e-2f0e-4f43-9d55-0a4c5c4e9a11' }],
      ['an amount', { lines: disbursementOf({ principal: '1000.01', payable: '975.01' }) }],
      ['an account', { lines: disbursementOf({ loan: 'L-2' }) }],
      [
        'the line order',
        {
          lines: [
            line('assets:loans:principal:L-1', 'debit', '1000.00'),
            line('income:installment-fee', 'credit', '25.00'),
            line('liabilities:merchant-payable:M-1', 'credit', '975.00'),
          ],
        },
      ],
      ['the currency', { lines: disbursementOf({ currency: 'USD' }) }],
    ])('differs when %s differs', (_what, change) => {
      expect(hashOf({ ...base, ...change })).not.toBe(hashOf(base));
    });

    it('differs when the sides are swapped (a reversal is not a replay of its original)', () => {
      const swapped = reversalDraft(
        { id: 'E-1', ...base },
        'key-1',
        base.effectiveAt,
        'x',
        base.actor,
      );
      expect(hashOf({ ...base, lines: swapped.lines })).not.toBe(hashOf(base));
    });
  });
});

describe('reversalDraft', () => {
  const Alice = 'operator:alice:cred_0a1b2c3d4e5f';
  const original = { id: 'E-1', description: 'Loan disbursement', lines: disbursement };

  it('swaps every side and keeps accounts, amounts and currencies, in order', () => {
    const reversal = reversalDraft(original, 'rev-1', null, 'wrong merchant', Alice);
    expect(reversal.lines).toEqual([
      line('assets:loans:principal:L-1', 'credit', '1000.00'),
      line('liabilities:merchant-payable:M-1', 'debit', '975.00'),
      line('income:installment-fee', 'debit', '25.00'),
    ]);
    expect(reversal).toMatchObject({
      idempotencyKey: 'rev-1',
      effectiveAt: null,
      description: 'Reversal of E-1: wrong merchant',
      metadata: { reason: 'wrong merchant' },
      reversesEntryId: 'E-1',
      sourceEventId: null,
      rule: null,
      actor: Alice,
    });
    expect(() => validateEntry(reversal)).not.toThrow();
  });

  it('reversing the reversal gives the original lines back', () => {
    const once = reversalDraft(original, 'rev-1', null, 'r', Alice);
    const twice = reversalDraft({ ...once, id: 'E-2' }, 'rev-2', null, 'r', Alice);
    expect(twice.lines).toEqual(original.lines);
  });

  it('keeps a long reason within the description limit', () => {
    const reversal = reversalDraft(
      original,
      'rev-1',
      '2024-05-01T00:00:00Z',
      'x'.repeat(600),
      Alice,
    );
    expect(reversal.description).toHaveLength(DescriptionLengthMax);
    expect(reversal.effectiveAt).toBe('2024-05-01T00:00:00Z');
    expect(() => validateEntry(reversal)).not.toThrow();
  });
});

// --- properties --------------------------------------------------------------------------------

const scales = { CNY: 2, JPY: 0, KWD: 3, USD: 2 } as const;
type Currency = keyof typeof scales;
const currencies = Object.keys(scales) as Currency[];

/** Minor units as a decimal string at `scale`, built without the money library. */
function decimalOf(units: bigint, scale: number): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(scale + 1, '0');
  const text =
    scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(digits.length - scale)}`;
  return negative ? `-${text}` : text;
}

interface GeneratedLine {
  account: string;
  side: 'debit' | 'credit';
  units: bigint;
  currency: Currency;
}

const accountArb = fc.constantFrom(
  'assets:bank:settlement',
  'assets:loans:principal:L-1',
  'liabilities:merchant-payable:M-1',
  'income:interest',
  'equity:capital',
);
const unitsArb = fc.bigInt({ min: 1n, max: 10n ** 15n });

/** Positive parts summing to `total`: 1 to 3 cuts of the interval. */
const partitionArb = (total: bigint) =>
  total < 2n
    ? fc.constant([total])
    : fc.uniqueArray(fc.bigInt({ min: 1n, max: total - 1n }), { maxLength: 3 }).map((cuts) => {
        const sorted = [...cuts].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
        const points = [0n, ...sorted, total];
        return points.slice(1).map((point, i) => point - (points[i] ?? 0n));
      });

/** The lines of one currency: 1 to 3 debits, and the same total split into 1 to 4 credits. */
const currencyLinesArb = (currency: Currency) =>
  fc.array(unitsArb, { minLength: 1, maxLength: 3 }).chain((debits) => {
    const total = debits.reduce((sum, u) => sum + u, 0n);
    return fc
      .tuple(
        partitionArb(total),
        fc.array(accountArb, { minLength: 7, maxLength: 7 }),
        fc.constant(debits),
      )
      .map(([credits, accounts, ds]): GeneratedLine[] => [
        ...ds.map((units, i) => ({
          account: accounts[i] ?? 'assets:suspense',
          side: 'debit' as const,
          units,
          currency,
        })),
        ...credits.map((units, i) => ({
          account: accounts[3 + i] ?? 'assets:suspense',
          side: 'credit' as const,
          units,
          currency,
        })),
      ]);
  });

const balancedArb = fc
  .uniqueArray(fc.constantFrom(...currencies), { minLength: 1, maxLength: 3 })
  .chain((cs) => fc.tuple(...cs.map(currencyLinesArb)))
  .chain((groups) => fc.shuffledSubarray(groups.flat(), { minLength: groups.flat().length }));

/** Padding zeros after the scale are allowed, so sometimes add some. */
const toDraft = (lines: readonly GeneratedLine[], padding: readonly number[] = []): EntryDraft =>
  draft(
    lines.map((l, i) => {
      const text = decimalOf(l.units, scales[l.currency]);
      const pad = '0'.repeat(padding[i] ?? 0);
      return line(
        l.account,
        l.side,
        pad && !text.includes('.') ? `${text}.${pad}` : `${text}${pad}`,
        l.currency,
      );
    }),
  );

const netOf = (lines: readonly GeneratedLine[]) => {
  const net = new Map<Currency, bigint>();
  for (const l of lines)
    net.set(l.currency, (net.get(l.currency) ?? 0n) + (l.side === 'debit' ? l.units : -l.units));
  return net;
};

describe('validateEntry properties', () => {
  it('accepts every generated balanced entry, keeping each amount exactly', () => {
    fc.assert(
      fc.property(
        balancedArb,
        fc.array(fc.nat({ max: 3 }), { maxLength: 20 }),
        (lines, padding) => {
          const entry = validateEntry(toDraft(lines, padding));
          expect(entry.lines.map((l) => [l.account, l.side, l.amount.minorUnits()])).toEqual(
            lines.map((l) => [l.account, l.side, l.units]),
          );
          expect(entry.lines.map((l) => l.amount.currency)).toEqual(lines.map((l) => l.currency));
          // Padding does not change the content, so the hash stays the same.
          expect(entry.requestHash).toBe(validateEntry(toDraft(lines)).requestHash);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('rejects an entry with one amount nudged, reporting exactly the nudge', () => {
    fc.assert(
      fc.property(
        balancedArb,
        fc.nat(),
        fc.bigInt({ min: 1n, max: 10n ** 6n }),
        fc.boolean(),
        (lines, at, delta, up) => {
          const index = at % lines.length;
          const target = lines[index];
          if (!target) throw new Error('unreachable');
          const change = up || target.units <= delta ? delta : -delta;
          const nudged = lines.map((l, i) => (i === index ? { ...l, units: l.units + change } : l));
          const error = ledgerErrorOf(() => validateEntry(toDraft(nudged)));
          expect(error.code).toBe('LEDGER.UNBALANCED');
          const signed = target.side === 'debit' ? change : -change;
          expect(error.details).toEqual({
            differences: { [target.currency]: decimalOf(signed, scales[target.currency]) },
          });
        },
      ),
      { numRuns: 200 },
    );
  });

  it('rejects an entry with a side flipped or a line dropped', () => {
    fc.assert(
      fc.property(balancedArb, fc.nat(), fc.boolean(), (lines, at, flip) => {
        const index = at % lines.length;
        const perturbed = flip
          ? lines.map((l, i): GeneratedLine =>
              i === index ? { ...l, side: l.side === 'debit' ? 'credit' : 'debit' } : l,
            )
          : lines.filter((_, i) => i !== index);
        const error = ledgerErrorOf(() => validateEntry(toDraft(perturbed)));
        if (perturbed.length < 2) {
          expect(error.code).toBe('LEDGER.INVALID_ENTRY');
          return;
        }
        expect(error.code).toBe('LEDGER.UNBALANCED');
        const expected = Object.fromEntries(
          [...netOf(perturbed)]
            .filter(([, units]) => units !== 0n)
            .map(([c, units]) => [c, decimalOf(units, scales[c])]),
        );
        expect(error.details).toEqual({ differences: expected });
      }),
      { numRuns: 200 },
    );
  });

  it('rejects an entry with one amount zeroed or given a digit beyond its scale', () => {
    fc.assert(
      fc.property(balancedArb, fc.nat(), fc.boolean(), (lines, at, zero) => {
        const index = at % lines.length;
        const base = toDraft(lines);
        const perturbed = base.lines.map((l, i) => {
          if (i !== index) return l;
          if (zero) return { ...l, amount: '0' };
          return { ...l, amount: l.amount.includes('.') ? `${l.amount}1` : `${l.amount}.1` };
        });
        const error = ledgerErrorOf(() => validateEntry({ ...base, lines: perturbed }));
        expect(error.code).toBe(zero ? 'LEDGER.INVALID_ENTRY' : 'LEDGER.SCALE_EXCEEDED');
        expect(error.details).toEqual({ line: index, field: `lines[${index}].amount` });
      }),
      { numRuns: 200 },
    );
  });
});

describe('assertLinesMatchAccounts', () => {
  const account = (id: string, currency: string): Account => ({
    id,
    name: id,
    type: 'asset',
    normalSide: 'debit',
    currency,
    minBalance: null,
    maxBalance: null,
    allowsSubaccounts: false,
    parentId: null,
  });
  const chart = new Map([
    ['assets:bank:tokyo', account('assets:bank:tokyo', 'JPY')],
    ['assets:bank:new-york', account('assets:bank:new-york', 'USD')],
    ['equity:fx:jpy', account('equity:fx:jpy', 'JPY')],
    ['equity:fx:usd', account('equity:fx:usd', 'USD')],
  ]);
  const accountOf = (id: string): Account => {
    const found = chart.get(id);
    if (!found) throw new Error(`no account ${id}`);
    return found;
  };

  it('accepts an entry in two currencies when each line is in its account currency', () => {
    const entry = validateEntry(
      draft([
        ...transfer('assets:bank:new-york', 'equity:fx:usd', '100.05', 'USD'),
        ...transfer('equity:fx:jpy', 'assets:bank:tokyo', '15000', 'JPY'),
      ]),
    );
    expect(() => assertLinesMatchAccounts(entry, accountOf)).not.toThrow();
  });

  it('refuses a line in another currency than its account, naming the line currency field', () => {
    const entry = validateEntry(
      draft(transfer('assets:bank:new-york', 'assets:bank:tokyo', '5.00', 'USD')),
    );
    const error = ledgerErrorOf(() => assertLinesMatchAccounts(entry, accountOf));
    expect(error.code).toBe('LEDGER.CURRENCY_MISMATCH');
    expect(error.details).toEqual({
      line: 1,
      account: 'assets:bank:tokyo',
      field: 'lines[1].currency',
    });
  });
});
