import type { DrawPricing } from '@credit/contracts';
import { Money } from '@credit/money';
import {
  type PayoutState,
  canMove,
  firstStep,
  merchantFeeOf,
  retryDelayMs,
  settlementAmount,
  settlementIdOf,
  unconfirmedNote,
} from './payout';

const cny = (amount: string) => Money.of(amount, 'CNY');
const plan = (feePayer: 'buyer' | 'merchant'): DrawPricing => ({
  method: 'flat-fee',
  periods: 6,
  annualRate: null,
  dailyRate: null,
  feeRate: '0.045',
  feePayer,
  dayCount: 'ACT/365',
  penaltyDailyRate: '0.0005',
});

describe('payout state machine', () => {
  const states: PayoutState[] = ['created', 'paying', 'unconfirmed', 'disbursed', 'failed'];

  it('moves only forward: settled payouts never move, nothing goes back to created', () => {
    const allowed = states.flatMap((from) =>
      states.filter((to) => canMove(from, to)).map((to) => `${from}→${to}`),
    );
    expect(allowed).toEqual([
      'created→paying',
      'created→disbursed',
      'paying→paying',
      'paying→unconfirmed',
      'paying→disbursed',
      'paying→failed',
      'unconfirmed→unconfirmed',
      'unconfirmed→disbursed',
      'unconfirmed→failed',
    ]);
  });

  it('an installment purchase on no line is disbursed at once; anything else is queued', () => {
    expect(firstStep('installment-purchase', false).next).toBe('disbursed');
    expect(firstStep('installment-purchase', true)).toEqual({
      next: 'paying',
      detail: 'payout queued; the line limit is reserved first',
    });
    expect(firstStep('cash-loan', false)).toEqual({
      next: 'paying',
      detail: 'payout to the customer queued',
    });
  });
});

describe('merchantFeeOf', () => {
  const purchase = { product: 'installment-purchase' as const, principal: cny('1000.00') };

  it("takes the decision's fee when it names one", () => {
    const fee = merchantFeeOf(
      { ...purchase, pricing: plan('merchant'), merchantFee: cny('12.34') },
      '2026-01-15',
    );
    expect(fee?.toString()).toBe('12.34');
  });

  it("otherwise the plan's merchant-paid fee on the principal", () => {
    const fee = merchantFeeOf(
      { ...purchase, pricing: plan('merchant'), merchantFee: null },
      '2026-01-15',
    );
    expect(fee?.toString()).toBe('45.00');
  });

  it('none for a buyer-paid plan or a cash loan', () => {
    expect(
      merchantFeeOf({ ...purchase, pricing: plan('buyer'), merchantFee: null }, '2026-01-15'),
    ).toBeNull();
    expect(
      merchantFeeOf(
        { ...purchase, product: 'cash-loan', pricing: plan('merchant'), merchantFee: cny('1.00') },
        '2026-01-15',
      ),
    ).toBeNull();
  });
});

describe('retryDelayMs', () => {
  it('doubles from the base after each attempt, at most ten times, jittered down by up to a fifth', () => {
    const ceilings = [1, 2, 3, 11, 12, 50].map((attempt) => retryDelayMs(100, attempt, () => 0));
    expect(ceilings).toEqual([100, 200, 400, 102_400, 102_400, 102_400]);
    expect(retryDelayMs(100, 3, () => 1)).toBe(320);
  });
});

describe('unconfirmedNote', () => {
  it('asks for an operator once the attempts are used up, never fails the payout', () => {
    expect(unconfirmedNote(2, 5, 'payout:L-1', 'timeout')).toBe(
      "awaiting the bank's confirmation of payout:L-1: timeout",
    );
    expect(unconfirmedNote(5, 5, 'payout:L-1', 'timeout')).toBe(
      'unconfirmed after 5 attempts: timeout; check payout:L-1 with the bank',
    );
  });
});

describe('merchant settlement', () => {
  it('pays principal less merchant-paid fees, one settlement per merchant, date and currency', () => {
    const amount = settlementAmount(
      [
        { principal: cny('1000.00'), merchantFee: cny('45.00') },
        { principal: cny('200.10'), merchantFee: null },
      ],
      'CNY',
    );
    expect(amount.toString()).toBe('1155.10');
    expect(settlementAmount([], 'CNY').toString()).toBe('0.00');
    expect(settlementIdOf('M-7', '2026-01-15', 'CNY')).toBe('S-M-7-2026-01-15-CNY');
  });
});
