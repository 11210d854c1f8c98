import type { MigrationInterface, QueryRunner } from 'typeorm';

interface SeedAccount {
  id: string;
  name: string;
  type: 'asset' | 'liability' | 'equity' | 'income' | 'expense';
  normalSide: 'debit' | 'credit';
  minBalance: string | null;
  allowsSubaccounts: boolean;
}

/** The home currency of the seeded chart. Accounts in other currencies are added by API. */
const Currency = 'CNY';

/**
 * A consumer lender's chart of accounts. Templates (allowsSubaccounts) get one sub-account per
 * loan, merchant or customer on first posting, e.g. assets:loans:principal:<loanId>.
 */
const chart: SeedAccount[] = [
  {
    id: 'assets:bank:settlement',
    name: 'Cash / settlement at bank',
    type: 'asset',
    normalSide: 'debit',
    minBalance: null,
    allowsSubaccounts: false,
  },
  {
    id: 'assets:loans:principal',
    name: 'Loans receivable (principal)',
    type: 'asset',
    normalSide: 'debit',
    minBalance: '0',
    allowsSubaccounts: true,
  },
  {
    id: 'assets:receivable:interest',
    name: 'Interest receivable',
    type: 'asset',
    normalSide: 'debit',
    minBalance: '0',
    allowsSubaccounts: true,
  },
  {
    id: 'assets:receivable:fee',
    name: 'Fee receivable',
    type: 'asset',
    normalSide: 'debit',
    minBalance: '0',
    allowsSubaccounts: true,
  },
  {
    id: 'assets:receivable:penalty',
    name: 'Penalty receivable',
    type: 'asset',
    normalSide: 'debit',
    minBalance: '0',
    allowsSubaccounts: true,
  },
  {
    id: 'assets:allowance:credit-loss',
    name: 'Allowance for credit losses (contra-asset)',
    type: 'asset',
    normalSide: 'credit',
    minBalance: null,
    allowsSubaccounts: false,
  },
  {
    id: 'assets:suspense',
    name: 'Suspense',
    type: 'asset',
    normalSide: 'debit',
    minBalance: null,
    allowsSubaccounts: false,
  },
  {
    id: 'liabilities:merchant-payable',
    name: 'Merchant payable',
    type: 'liability',
    normalSide: 'credit',
    minBalance: '0',
    allowsSubaccounts: true,
  },
  {
    id: 'liabilities:customer-credit',
    name: 'Customer credit balance (overpayment)',
    type: 'liability',
    normalSide: 'credit',
    minBalance: '0',
    allowsSubaccounts: true,
  },
  {
    id: 'equity:capital',
    name: 'Paid-in capital',
    type: 'equity',
    normalSide: 'credit',
    minBalance: null,
    allowsSubaccounts: false,
  },
  {
    id: 'income:interest',
    name: 'Interest income',
    type: 'income',
    normalSide: 'credit',
    minBalance: null,
    allowsSubaccounts: false,
  },
  {
    id: 'income:installment-fee',
    name: 'Installment fee income',
    type: 'income',
    normalSide: 'credit',
    minBalance: null,
    allowsSubaccounts: false,
  },
  {
    id: 'income:penalty',
    name: 'Penalty income',
    type: 'income',
    normalSide: 'credit',
    minBalance: null,
    allowsSubaccounts: false,
  },
  {
    id: 'income:recovery',
    name: 'Recovery income',
    type: 'income',
    normalSide: 'credit',
    minBalance: null,
    allowsSubaccounts: false,
  },
  {
    id: 'expense:credit-loss',
    name: 'Credit loss expense',
    type: 'expense',
    normalSide: 'debit',
    minBalance: null,
    allowsSubaccounts: false,
  },
];

export class SeedChartOfAccounts1764100000001 implements MigrationInterface {
  name = 'SeedChartOfAccounts1764100000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const account of chart) {
      await queryRunner.query(
        `INSERT INTO accounts (id, name, type, normal_side, currency, min_balance, allows_subaccounts)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [
          account.id,
          account.name,
          account.type,
          account.normalSide,
          Currency,
          account.minBalance,
          account.allowsSubaccounts,
        ],
      );
      await queryRunner.query(`INSERT INTO balances (account_id, currency) VALUES ($1, $2)`, [
        account.id,
        Currency,
      ]);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const ids = chart.map((a) => a.id);
    await queryRunner.query(`DELETE FROM balances WHERE account_id = ANY($1)`, [ids]);
    await queryRunner.query(`DELETE FROM accounts WHERE id = ANY($1)`, [ids]);
  }
}

export const seededAccountIds = chart.map((a) => a.id);
