import { Money } from '@credit/money';
import { matchStatement } from './payout-reconciliation';

const cny = (amount: string) => Money.of(amount, 'CNY');
const line = (reference: string, amount: string) => ({
  reference,
  payee: 'customer:C-1',
  amount: cny(amount),
  paidAt: '2026-12-02T10:00:00.000Z',
});
const booked = (reference: string, amount: string, bookedOn = '2026-12-02') => ({
  reference,
  amount: cny(amount),
  bookedOn,
});

describe('the bank statement against the platform’s payouts', () => {
  it('a statement that matches every payout of the day has no break', () => {
    expect(
      matchStatement(
        '2026-12-02',
        [line('payout:L-1', '100.00'), line('settlement:S-1', '975.00')],
        [booked('payout:L-1', '100.0'), booked('settlement:S-1', '975.00')],
      ),
    ).toEqual([]);
  });

  it('reports paid but not booked, booked but not paid, and amount differs', () => {
    const breaks = matchStatement(
      '2026-12-02',
      [line('payout:L-1', '100.00'), line('payout:L-ghost', '50.00'), line('payout:L-3', '30.00')],
      [
        booked('payout:L-1', '100.00'),
        booked('payout:L-2', '70.00'),
        booked('payout:L-3', '31.00'),
      ],
    );
    expect(breaks).toEqual([
      { kind: 'booked-not-paid', reference: 'payout:L-2', bank: null, platform: cny('70.00') },
      {
        kind: 'amount-differs',
        reference: 'payout:L-3',
        bank: cny('30.00'),
        platform: cny('31.00'),
      },
      { kind: 'paid-not-booked', reference: 'payout:L-ghost', bank: cny('50.00'), platform: null },
    ]);
  });

  it('a payout booked on another day, or paid by the bank on another day, is no break of this one', () => {
    expect(
      matchStatement(
        '2026-12-02',
        [line('payout:L-1', '100.00')],
        [
          booked('payout:L-1', '100.00', '2026-12-01'),
          booked('payout:L-2', '70.00', '2026-12-03'),
          booked('payout:L-3', '70.00'),
        ],
        new Set(['payout:L-3']),
      ),
    ).toEqual([]);
  });

  it('another currency is an amount that differs', () => {
    expect(
      matchStatement(
        '2026-12-02',
        [line('payout:L-1', '100.00')],
        [{ reference: 'payout:L-1', amount: Money.of('100.00', 'USD'), bookedOn: '2026-12-02' }],
      ).map((b) => b.kind),
    ).toEqual(['amount-differs']);
  });
});
