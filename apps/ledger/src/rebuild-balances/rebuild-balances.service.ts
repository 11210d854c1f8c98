import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Money, isMoneyError } from '@credit/money';
import { BalanceRebuildStore, type ComparedRow } from '../infrastructure/balance-rebuild-store';

/** Differences listed in one report at most; all of them are counted and, with apply, fixed. */
export const RebuildDifferencesListedMax = 500;

/** What a balances row holds: posted sums from the journal, pending sums from pending holds. */
export interface BalanceFigures {
  postedDebits: string;
  postedCredits: string;
  pendingDebits: string;
  pendingCredits: string;
  lineCount: number;
}

export interface BalanceDifference {
  account: string;
  currency: string;
  /** The balances row as found; null when the journal has lines for a pair with no row. */
  stored: BalanceFigures | null;
  recomputed: BalanceFigures;
  /** recomputed − stored, field by field. */
  difference: BalanceFigures;
  /** The fields that differ. */
  fields: (keyof BalanceFigures)[];
}

export interface RebuildReport {
  /** Balances rows and (account, currency) pairs with journal lines or pending holds, compared. */
  accountsChecked: number;
  differenceCount: number;
  /** At most RebuildDifferencesListedMax, by account and currency. */
  differences: BalanceDifference[];
  differencesTruncated: boolean;
  /** True when the differences were written to the balances rows. */
  applied: boolean;
  /** Differences left after this run: 0 after an apply, differenceCount after a dry run. */
  remaining: number;
}

const figureFields: {
  field: keyof BalanceFigures;
  diff: 'diff_pd' | 'diff_pc' | 'diff_ped' | 'diff_pec' | 'diff_lc';
}[] = [
  { field: 'postedDebits', diff: 'diff_pd' },
  { field: 'postedCredits', diff: 'diff_pc' },
  { field: 'pendingDebits', diff: 'diff_ped' },
  { field: 'pendingCredits', diff: 'diff_pec' },
  { field: 'lineCount', diff: 'diff_lc' },
];

/** PostgreSQL's text of a numeric zero: 0, 0.00, -0.00. */
const isZero = (numeric: string) => /^-?0(\.0+)?$/.test(numeric);

/**
 * At the currency's scale (`0` and `0.00` read alike); a corrupt figure that Money refuses (more
 * decimals than the currency has) is shown exactly as stored, since that is what the report is for.
 */
function amount(value: string, currency: string): string {
  try {
    return Money.of(value, currency).toString();
  } catch (error) {
    if (isMoneyError(error)) return value;
    throw error;
  }
}

function toDifference(row: ComparedRow): BalanceDifference {
  const money = (value: string | null) => amount(value ?? '0', row.currency);
  const recomputed: BalanceFigures = {
    postedDebits: money(row.pd),
    postedCredits: money(row.pc),
    pendingDebits: money(row.ped),
    pendingCredits: money(row.pec),
    lineCount: Number(row.lc),
  };
  const stored: BalanceFigures | null = row.stored_exists
    ? {
        postedDebits: money(row.stored_pd),
        postedCredits: money(row.stored_pc),
        pendingDebits: money(row.stored_ped),
        pendingCredits: money(row.stored_pec),
        lineCount: Number(row.stored_lc ?? '0'),
      }
    : null;
  return {
    account: row.account_id,
    currency: row.currency,
    stored,
    recomputed,
    difference: {
      postedDebits: money(row.diff_pd),
      postedCredits: money(row.diff_pc),
      pendingDebits: money(row.diff_ped),
      pendingCredits: money(row.diff_pec),
      lineCount: Number(row.diff_lc),
    },
    fields: figureFields
      .filter(({ diff }) => stored === null || !isZero(row[diff]))
      .map(({ field }) => field),
  };
}

/**
 * Rebuilds the balances projection from the journal. The journal is the record; a balances row is
 * a cache of it, so a row that disagrees is the row's fault and is overwritten (never the reverse).
 */
@Injectable()
export class RebuildBalancesService {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Compares every balances row with the journal. Without `apply` it only reads. With `apply`,
   * the differing rows are locked in the posting engine's order (sub-accounts, then house
   * accounts; by id and currency in code-point order, see lockOrder in domain/posting-plan.ts),
   * compared again under the lock (a posting cannot change them any more) and overwritten with
   * the recomputed figures in the same transaction.
   */
  async rebuild(apply: boolean): Promise<RebuildReport> {
    const scan = await BalanceRebuildStore.compare(this.dataSource.manager, null);
    if (!apply || scan.differing.length === 0) {
      return this.report(scan.checked, scan.differing, false);
    }
    const accounts = [...new Set(scan.differing.map((row) => row.account_id))];
    const fixed = await this.dataSource.transaction(async (manager) => {
      await BalanceRebuildStore.lockInPostingOrder(manager, accounts);
      const locked = await BalanceRebuildStore.compare(manager, accounts);
      await BalanceRebuildStore.overwrite(manager, locked.differing);
      const after = await BalanceRebuildStore.compare(manager, accounts);
      if (after.differing.length > 0) {
        throw new Error(
          `balances still differ from the journal after the rebuild: ${after.differing
            .slice(0, 5)
            .map((row) => `${row.account_id} ${row.currency}`)
            .join(', ')}`,
        );
      }
      return locked.differing;
    });
    return this.report(scan.checked, fixed, true);
  }

  private report(checked: number, differing: ComparedRow[], applied: boolean): RebuildReport {
    return {
      accountsChecked: checked,
      differenceCount: differing.length,
      differences: differing.slice(0, RebuildDifferencesListedMax).map(toDifference),
      differencesTruncated: differing.length > RebuildDifferencesListedMax,
      applied: applied && differing.length > 0,
      remaining: applied ? 0 : differing.length,
    };
  }
}
