import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Reconciliation from data the ledger holds. `loan_positions` projects the repayment service's
 * changelog (loan.state-recorded): per loan, the newest version seen and the receivables the books
 * should carry for it. `reconciliation_runs` becomes a background job with progress: requested by
 * an operator (with an Idempotency-Key kept forever) or by the daily schedule; the report is
 * written when the run completes.
 */
export class LoanPositions1764100000004 implements MigrationInterface {
  name = 'LoanPositions1764100000004';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE loan_positions (
        loan_id               text        PRIMARY KEY,
        version               integer     NOT NULL CHECK (version >= 1),
        customer_id           text        NOT NULL,
        line_id               text,
        currency              char(3)     NOT NULL,
        status                text        NOT NULL,
        principal_outstanding numeric     NOT NULL,
        interest_receivable   numeric     NOT NULL,
        fee_receivable        numeric     NOT NULL,
        penalty_receivable    numeric     NOT NULL,
        updated_at            timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      ALTER TABLE reconciliation_runs
        ADD COLUMN trigger         text NOT NULL DEFAULT 'daily' CHECK (trigger IN ('daily', 'operator')),
        ADD COLUMN idempotency_key text UNIQUE,
        ADD COLUMN requested_by    text,
        ADD COLUMN status          text NOT NULL DEFAULT 'completed'
                                   CHECK (status IN ('running', 'completed', 'failed')),
        ADD COLUMN loans_total     integer NOT NULL DEFAULT 0,
        ADD COLUMN loans_checked   integer NOT NULL DEFAULT 0,
        ADD COLUMN heartbeat_at    timestamptz NOT NULL DEFAULT now(),
        ADD COLUMN finished_at     timestamptz,
        ADD COLUMN error           text,
        ALTER COLUMN ok DROP NOT NULL,
        ALTER COLUMN breaks DROP NOT NULL,
        ALTER COLUMN report DROP NOT NULL`);
    await queryRunner.query(`UPDATE reconciliation_runs SET finished_at = ran_at`);
    await queryRunner.query(
      `ALTER TABLE reconciliation_runs ADD CONSTRAINT reconciliation_runs_finished_check
         CHECK ((status = 'running') = (finished_at IS NULL))`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM reconciliation_runs WHERE status <> 'completed'`);
    await queryRunner.query(`
      ALTER TABLE reconciliation_runs
        DROP CONSTRAINT reconciliation_runs_finished_check,
        DROP COLUMN trigger, DROP COLUMN idempotency_key, DROP COLUMN requested_by,
        DROP COLUMN status, DROP COLUMN loans_total, DROP COLUMN loans_checked,
        DROP COLUMN heartbeat_at, DROP COLUMN finished_at, DROP COLUMN error,
        ALTER COLUMN ok SET NOT NULL, ALTER COLUMN breaks SET NOT NULL,
        ALTER COLUMN report SET NOT NULL`);
    await queryRunner.query(`DROP TABLE loan_positions`);
  }
}
