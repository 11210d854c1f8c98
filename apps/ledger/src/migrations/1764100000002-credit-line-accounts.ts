import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Memorandum accounts of revolving credit lines: what is drawn on a line (capped at its limit)
 * and the lender's matching commitment. The pair nets to zero; holds on it reserve the limit while
 * a draw is paid out. Each line gets its own pair when its approval is recorded; the parents are
 * not templates, so a line the ledger has not seen approved has no accounts and cannot be drawn.
 */
export class CreditLineAccounts1764100000002 implements MigrationInterface {
  name = 'CreditLineAccounts1764100000002';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const [id, name, type, side] of [
      [
        'assets:credit-line-drawn',
        'Drawn on revolving credit lines (memorandum)',
        'asset',
        'debit',
      ],
      [
        'liabilities:credit-line-commitment',
        'Commitments on revolving credit lines (memorandum)',
        'liability',
        'credit',
      ],
    ]) {
      await queryRunner.query(
        `INSERT INTO accounts (id, name, type, normal_side, currency, min_balance, allows_subaccounts)
         VALUES ($1, $2, $3, $4, 'CNY', 0, false)`,
        [id, name, type, side],
      );
      await queryRunner.query(`INSERT INTO balances (account_id, currency) VALUES ($1, 'CNY')`, [
        id,
      ]);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const ids = ['assets:credit-line-drawn', 'liabilities:credit-line-commitment'];
    await queryRunner.query(`DELETE FROM balances WHERE account_id = ANY($1)`, [ids]);
    await queryRunner.query(`DELETE FROM accounts WHERE id = ANY($1)`, [ids]);
  }
}
