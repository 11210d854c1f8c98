import {
  type ChainedContent,
  GenesisHash,
  canonicalContent,
  checkLink,
  extendChain,
  linkHash,
} from './hash-chain';

const entry = (id: string, amount: string): ChainedContent => ({
  id,
  seq: '1',
  idempotencyKey: `key-${id}`,
  effectiveAt: new Date('2026-01-15T00:00:00Z'),
  postedAt: new Date('2026-01-15T08:30:00Z'),
  description: 'Loan disbursement',
  metadata: { loanId: 'L-1' },
  sourceEventId: null,
  sourceEventType: null,
  rule: null,
  reversesEntryId: null,
  holdId: null,
  lines: [
    [1, 'assets:cash', 'debit', amount, 'CNY'],
    [2, 'liabilities:payable', 'credit', amount, 'CNY'],
  ],
});

describe('the journal hash chain', () => {
  it('hashes every stored field but the seq, with sorted keys (pinned)', () => {
    const text = canonicalContent(entry('e-1', '10.00'));
    expect(text).toBe(
      '{"description":"Loan disbursement","effectiveAt":"2026-01-15T00:00:00.000Z","holdId":null,"id":"e-1",' +
        '"idempotencyKey":"key-e-1","lines":[[1,"assets:cash","debit","10.00","CNY"],[2,"liabilities:payable","credit","10.00","CNY"]],' +
        '"metadata":{"loanId":"L-1"},"postedAt":"2026-01-15T08:30:00.000Z","reversesEntryId":null,"rule":null,' +
        '"sourceEventId":null,"sourceEventType":null}',
    );
    expect(canonicalContent({ ...entry('e-1', '10.00'), seq: '99' })).toBe(text);
  });

  it('links entries after the last link, each on the previous hash; the genesis is 64 zeros', () => {
    const [first, second] = extendChain(undefined, [entry('e-1', '10.00'), entry('e-2', '5.00')]);
    expect(first).toEqual({
      position: '1',
      entryId: 'e-1',
      prevHash: GenesisHash,
      hash: linkHash(GenesisHash, entry('e-1', '10.00')),
    });
    expect(second?.position).toBe('2');
    expect(second?.prevHash).toBe(first?.hash);
    const [third] = extendChain({ position: '2', hash: second?.hash ?? '' }, [
      entry('e-3', '1.00'),
    ]);
    expect(third).toMatchObject({ position: '3', prevHash: second?.hash });
  });

  it('finds a changed amount, a broken link to the previous hash and a deleted entry', () => {
    const original = entry('e-1', '10.00');
    const [link] = extendChain(undefined, [original]);
    if (!link) throw new Error('no link');
    expect(checkLink({ ...link, entry: original }, GenesisHash)).toBeNull();
    expect(checkLink({ ...link, entry: entry('e-1', '10.01') }, GenesisHash)).toMatchObject({
      reason: 'content changed',
      storedHash: link.hash,
    });
    expect(checkLink({ ...link, entry: original }, 'f'.repeat(64))).toMatchObject({
      reason: 'previous hash mismatch',
      expectedHash: 'f'.repeat(64),
      storedHash: GenesisHash,
    });
    expect(checkLink({ ...link, entry: null }, GenesisHash)).toMatchObject({
      reason: 'entry missing',
      expectedHash: null,
    });
  });
});
