import { randomUUID } from 'node:crypto';
import { addDays, dayCount } from '@credit/lending-math';
import { Money, MoneyDecimal, RoundingMode } from '@credit/money';
import { cny, testConsent } from '@credit/testing';
import {
  applicant,
  applicationOf,
  balance,
  call,
  close,
  draw,
  loanOf,
  openLine,
  payoffQuote,
  reconciled,
  repay,
  sideTotal,
  waitForLoan,
} from '../support/platform-api';
import { customerOfNationalId } from '../support/services';

interface Installment {
  dueDate: string;
  principal: string;
  interest: string;
  total: string;
}

const money = (amount: string) => Money.of(amount, 'CNY');

/**
 * The amortizing cash loans, end to end through the public APIs: a draw naming its repayment
 * method → scored and priced by the score band → paid out → scheduled by the repayment service →
 * the first installment repaid on its due date → paid off mid-period → the books reconcile with
 * nothing left receivable. The e2e applicant scores in band A: 10.8 % a year, 30/360.
 */
describe('equal-installment and equal-principal cash loans, end to end', () => {
  const customer = `E2EP${randomUUID().slice(0, 8)}`;
  let line: string;

  beforeAll(async () => {
    line = await openLine(customer);
  });

  it('refuses an unknown repayment method, or one on an installment purchase, naming the field', async () => {
    // Invalid on purpose: sent raw, as the typed client would not let it be written.
    const submit = (drawRequest: Record<string, unknown>) =>
      call('application', 'POST', '/v1/applications', {
        customer: customerOfNationalId(customer),
        key: `e2e-${randomUUID()}`,
        body: {
          kind: 'draw',
          applicant: applicant(customer),
          consent: testConsent(),
          draw: { lineId: line, ...drawRequest },
        },
      });
    const unknown = await submit({
      product: 'cash-loan',
      amount: cny('1000.00'),
      periods: 6,
      repaymentMethod: 'balloon',
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.fields).toEqual([
      {
        field: 'draw.repaymentMethod',
        problems: ['must be one of: daily-interest, equal-installment, equal-principal'],
      },
    ]);
    const onPlan = await submit({
      product: 'installment-purchase',
      amount: cny('1000.00'),
      periods: 6,
      merchantId: 'M-E2E',
      feePayer: 'buyer',
      repaymentMethod: 'equal-installment',
    });
    expect(onPlan.status).toBe(400);
    expect(onPlan.body.error.fields.map((f: { field: string }) => f.field)).toEqual([
      'draw.repaymentMethod',
    ]);
  });

  it.each([
    {
      method: 'equal-installment',
      // Level payment of 6,000.00 at 10.8 % / 12 = 0.9 % a month over 6 months:
      // 6,000 × 0.009 × 1.009^6 / (1.009^6 − 1) = 54 × 1.0552297 / 0.0552297 = 1,031.735… → 1,031.74
      firstTotal: '1031.74',
      // 30/360, a regular first month: 6,000 × 0.108 × 30 / 360 = 54.00
      firstInterest: '54.00',
      firstPrincipal: '977.74',
    },
    {
      method: 'equal-principal',
      // 6,000.00 / 6 = 1,000.00 of principal a month, + 54.00 of interest the first month
      firstTotal: '1054.00',
      firstInterest: '54.00',
      firstPrincipal: '1000.00',
    },
  ] as const)(
    '$method: priced by band A, scheduled, repaid, paid off, booked',
    async ({ method, firstTotal, firstInterest, firstPrincipal }) => {
      const loanId = await draw(customer, line, {
        product: 'cash-loan',
        amount: cny('6000.00'),
        periods: 6,
        repaymentMethod: method,
      });
      const application = (await applicationOf(loanId.slice(2))).body;
      expect(application.request.draw?.repaymentMethod).toBe(method);
      const { price } = application;
      expect(price && 'pricing' in price ? price.pricing : price).toEqual({
        method,
        periods: 6,
        annualRate: '0.108',
        dailyRate: null,
        feeRate: null,
        feePayer: null,
        dayCount: '30/360',
        penaltyDailyRate: '0.0005',
      });

      const loan = await waitForLoan(loanId);
      expect(loan.terms).toMatchObject({ method, annualRate: '0.108', dayCount: '30/360' });
      const rows = loan.installments as Installment[];
      expect(rows).toHaveLength(6);
      const start = loan.terms.startDate;
      const [first, second] = rows;
      if (!first || !second) throw new Error('a 6-period schedule has two first installments');
      // The figures above hold for a first month of 30 days under 30/360 (a start on the 1st to
      // the 28th, or the 30th/31st of a 30-day month); otherwise interest follows the day count.
      const firstDays = dayCount(start, first.dueDate, '30/360');
      const expectedInterest =
        firstDays === 30
          ? firstInterest
          : money('6000.00')
              .multiplyByRatio(
                new MoneyDecimal('0.108').times(firstDays),
                '360',
                RoundingMode.HALF_EVEN,
              )
              .toString();
      expect(first.interest).toBe(expectedInterest);
      if (method === 'equal-installment') {
        for (const row of rows.slice(0, 5)) expect(row.total).toBe(firstTotal);
      } else {
        for (const row of rows) expect(row.principal).toBe(firstPrincipal);
      }
      if (firstDays === 30) {
        expect([first.principal, first.total]).toEqual([firstPrincipal, firstTotal]);
      }
      const principalSum = rows.reduce((sum, r) => sum.add(money(r.principal)), money('0'));
      expect(principalSum.toString()).toBe('6000.00');
      expect(await balance(`assets:loans:principal:${loanId}`)).toBe('6000.00');

      // The first installment on its due date: its interest has been earned, nothing is left over.
      await close(addDays(first.dueDate, -1));
      const paid = await repay(loanId, first.total);
      expect(paid.status).toBe(201);
      expect(paid.body.allocation).toMatchObject({
        interest: first.interest,
        principal: first.principal,
        overpayment: '0.00',
      });

      // Paid off ten days into the second period: principal left + the interest earned so far,
      // second period interest × elapsed ÷ period days, both counted 30/360 (HALF_EVEN).
      const payDate = addDays(first.dueDate, 10);
      await close(addDays(payDate, -1));
      const elapsed = dayCount(first.dueDate, payDate, '30/360');
      const periodDays = dayCount(first.dueDate, second.dueDate, '30/360');
      const earned = money(second.interest).multiplyByRatio(
        String(elapsed),
        String(periodDays),
        RoundingMode.HALF_EVEN,
      );
      const left = money('6000.00').subtract(money(first.principal));
      const quote = await payoffQuote(loanId);
      expect(quote.status).toBe(201);
      expect({ principal: quote.body.principal, interest: quote.body.interest }).toEqual({
        principal: left.toString(),
        interest: earned.toString(),
      });
      expect(quote.body.total).toBe(left.add(earned).toString());
      const settled = await repay(loanId, quote.body.total);
      expect(settled.body).toMatchObject({ payoff: true, loanStatus: 'paid-off' });
      expect((await loanOf(loanId)).body.status).toBe('paid-off');

      await reconciled();
      for (const account of [
        `assets:loans:principal:${loanId}`,
        `assets:receivable:interest:${loanId}`,
      ]) {
        expect({ account, balance: await balance(account) }).toEqual({
          account,
          balance: '0.00',
        });
      }
      // Every cent of interest accrued was booked and repaid: the first period's and the ten days'.
      expect(await sideTotal(`assets:receivable:interest:${loanId}`, 'debit')).toBe(
        money(first.interest).add(earned).toString(),
      );
    },
  );
});
