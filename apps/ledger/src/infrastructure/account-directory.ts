import type { EntityManager } from 'typeorm';
import { Money } from '@credit/money';
import {
  type Account,
  type AccountType,
  type Side,
  assertAccountId,
  subaccountOf,
  templateFor,
} from '../domain/accounts';
import { LedgerSystemActor } from '../domain/journal';
import { LedgerError } from '../domain/ledger-error';

interface AccountRow {
  id: string;
  name: string;
  type: AccountType;
  normal_side: Side;
  currency: string;
  min_balance: string | null;
  max_balance: string | null;
  allows_subaccounts: boolean;
  parent_id: string | null;
  created_by: string;
}

/** An account as stored: its settings and who created it (audit). */
export interface StoredAccount extends Account {
  readonly createdBy: string;
}

export const AccountColumns = `id, name, type, normal_side, currency, min_balance, max_balance, allows_subaccounts, parent_id, created_by`;

export function accountFromRow(row: AccountRow): StoredAccount {
  const units = (value: string | null) =>
    value === null ? null : Money.of(value, row.currency).minorUnits();
  return {
    id: row.id,
    name: row.name,
    type: row.type,
    normalSide: row.normal_side,
    currency: row.currency,
    minBalance: units(row.min_balance),
    maxBalance: units(row.max_balance),
    allowsSubaccounts: row.allows_subaccounts,
    parentId: row.parent_id,
    createdBy: row.created_by,
  };
}

/** Accounts never change once created, so a process-wide cache is safe. */
const AccountCacheMax = 100_000;

/**
 * Finds accounts and creates sub-accounts from their templates on first use
 * (`assets:loans:principal:<loanId>` from `assets:loans:principal`).
 */
export class AccountDirectory {
  private readonly cache = new Map<string, Account>();

  async resolve(manager: EntityManager, ids: readonly string[]): Promise<Map<string, Account>> {
    const wanted = [...new Set(ids)];
    const found = new Map<string, Account>();
    const missing: string[] = [];
    for (const id of wanted) {
      const cached = this.cache.get(id);
      if (cached) found.set(id, cached);
      else missing.push(id);
    }
    if (missing.length === 0) return found;

    missing.forEach(assertAccountId);
    const prefixes = new Set<string>(missing);
    for (const id of missing) {
      const segments = id.split(':');
      for (let length = 2; length < segments.length; length++)
        prefixes.add(segments.slice(0, length).join(':'));
    }
    // `own`: created by this very transaction, which may still roll back (a group of events that
    // fails together): such an account must not be cached, or another transaction would find it in
    // the cache after the rollback and post to an account that does not exist.
    const rows = await manager.query<(AccountRow & { own: boolean })[]>(
      `SELECT ${AccountColumns},
              xmin::text::bigint = coalesce(pg_current_xact_id_if_assigned()::text::bigint % 4294967296, -1) AS own
         FROM accounts WHERE id = ANY($1)`,
      [[...prefixes]],
    );
    const known = new Map(rows.map((row) => [row.id, accountFromRow(row)]));
    const uncommitted = new Set(rows.filter((row) => row.own).map((row) => row.id));
    const toCreate: Account[] = [];
    for (const id of missing) {
      const account = known.get(id);
      if (account) {
        found.set(id, account);
        if (!uncommitted.has(id)) this.remember(id, account);
        continue;
      }
      const template = templateFor(id, (candidate) => known.get(candidate));
      if (!template) {
        throw new LedgerError(
          'LEDGER.UNKNOWN_ACCOUNT',
          `account ${id} does not exist and no template covers it`,
          {
            account: id,
          },
        );
      }
      const created = subaccountOf(template, id);
      toCreate.push(created);
      found.set(id, created);
    }
    // Created accounts are not cached: their transaction may still roll back.
    if (toCreate.length > 0) await this.insert(manager, toCreate, LedgerSystemActor);
    return found;
  }

  /** The account as stored (no template expansion, no cache); undefined when there is none. */
  async find(manager: EntityManager, id: string): Promise<StoredAccount | undefined> {
    const [row] = await manager.query<AccountRow[]>(
      `SELECT ${AccountColumns} FROM accounts WHERE id = $1`,
      [id],
    );
    return row ? accountFromRow(row) : undefined;
  }

  /** Accounts whose id starts with `prefix`, after `after`, in id order, at most `limit`. */
  async list(
    manager: EntityManager,
    prefix: string | null,
    after: string | null,
    limit: number,
  ): Promise<StoredAccount[]> {
    const rows = await manager.query<AccountRow[]>(
      `SELECT ${AccountColumns} FROM accounts
        WHERE ($1::text IS NULL OR id LIKE $1 || '%') AND ($2::text IS NULL OR id > $2)
        ORDER BY id LIMIT $3`,
      [prefix, after, limit],
    );
    return rows.map(accountFromRow);
  }

  /**
   * Inserts accounts and their balance rows, recording `actor` as their creator; a concurrent
   * creator of the same sub-account is fine (the first one's actor stays).
   */
  async insert(manager: EntityManager, accounts: readonly Account[], actor: string): Promise<void> {
    const major = (units: bigint | null, currency: string) =>
      units === null ? null : Money.fromMinorUnits(units, currency).toString();
    await manager.query(
      `INSERT INTO accounts (id, name, type, normal_side, currency, min_balance, max_balance, allows_subaccounts, parent_id, created_by)
       SELECT *, $10 FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::char(3)[], $6::numeric[], $7::numeric[], $8::boolean[], $9::text[])
       ON CONFLICT (id) DO NOTHING`,
      [
        accounts.map((a) => a.id),
        accounts.map((a) => a.name),
        accounts.map((a) => a.type),
        accounts.map((a) => a.normalSide),
        accounts.map((a) => a.currency),
        accounts.map((a) => major(a.minBalance, a.currency)),
        accounts.map((a) => major(a.maxBalance, a.currency)),
        accounts.map((a) => a.allowsSubaccounts),
        accounts.map((a) => a.parentId),
        actor,
      ],
    );
    await manager.query(
      `INSERT INTO balances (account_id, currency) SELECT * FROM unnest($1::text[], $2::char(3)[])
       ON CONFLICT DO NOTHING`,
      [accounts.map((a) => a.id), accounts.map((a) => a.currency)],
    );
  }

  private remember(id: string, account: Account): void {
    if (this.cache.size >= AccountCacheMax) this.cache.clear();
    this.cache.set(id, account);
  }
}
