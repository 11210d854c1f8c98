import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Money } from '@credit/money';
import { BalanceReader } from '../infrastructure/balance-reader';
import type { TrialBalance } from '@credit/api';

export type { TrialBalance };

@Injectable()
export class TrialBalanceService {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * The totals per currency only, summed by the database over the balance rows (one statement,
   * whatever the number of accounts): what reconciliation checks.
   */
  async currencyTotals(): Promise<TrialBalance['currencies']> {
    const rows = await BalanceReader.currencyTotals(this.dataSource.manager);
    return rows.map((row) => {
      const debits = Money.of(row.debits, row.currency);
      const credits = Money.of(row.credits, row.currency);
      return {
        currency: row.currency,
        totalDebits: debits.toString(),
        totalCredits: credits.toString(),
        balanced: debits.equals(credits),
      };
    });
  }

  /**
   * Now: from the balance rows (one row per account). As of a time: for each account, the running
   * balance on its last line posted at or before that time (one index probe per account).
   */
  async trialBalance(asOf: Date | undefined): Promise<TrialBalance> {
    const { manager } = this.dataSource;
    const rows = asOf
      ? await BalanceReader.balancesAsOf(manager, asOf)
      : await BalanceReader.balancesNow(manager);
    const totals = new Map<string, { debits: Money; credits: Money }>();
    const accounts = rows.map((row) => {
      const balance = Money.of(row.balance, row.currency);
      const total = totals.get(row.currency) ?? {
        debits: Money.zero(row.currency),
        credits: Money.zero(row.currency),
      };
      if (balance.isPositive()) total.debits = total.debits.add(balance);
      else total.credits = total.credits.add(balance.negate());
      totals.set(row.currency, total);
      return { account: row.account_id, currency: row.currency, balance: balance.toString() };
    });
    return {
      asOf: asOf?.toISOString() ?? null,
      currencies: [...totals]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([currency, t]) => ({
          currency,
          totalDebits: t.debits.toString(),
          totalCredits: t.credits.toString(),
          balanced: t.debits.equals(t.credits),
        })),
      accounts,
    };
  }
}
