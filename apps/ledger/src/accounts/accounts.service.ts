import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Money, isMoneyError } from '@credit/money';
import { type Account, defaultNormalSide } from '../domain/accounts';
import { assertKnownCurrency } from '../domain/currencies';
import { LedgerError } from '../domain/ledger-error';
import { AccountDirectory, type StoredAccount } from '../infrastructure/account-directory';
import { BalanceReader } from '../infrastructure/balance-reader';
import { inTransaction } from '../infrastructure/ledger-transactions';
import type { AccountView, BalanceView, CreateAccountRequest, Statement } from '@credit/api';

export type { AccountView, BalanceView };

/** An account's settings: what a second create with the same id must repeat. */
function settingsOf(account: Account): Omit<AccountView, 'createdBy'> {
  const major = (units: bigint | null) =>
    units === null ? null : Money.fromMinorUnits(units, account.currency).toString();
  return {
    id: account.id,
    name: account.name,
    type: account.type,
    normalSide: account.normalSide,
    currency: account.currency,
    minBalance: major(account.minBalance),
    maxBalance: major(account.maxBalance),
    allowsSubaccounts: account.allowsSubaccounts,
    parentId: account.parentId,
  };
}

export function accountView(account: StoredAccount): AccountView {
  return { ...settingsOf(account), createdBy: account.createdBy };
}

@Injectable()
export class AccountsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly directory: AccountDirectory,
  ) {}

  /** Creates the account, recording `actor`; the same settings again answer the existing one. */
  async create(
    dto: CreateAccountRequest,
    actor: string,
  ): Promise<{ account: AccountView; created: boolean }> {
    assertKnownCurrency(dto.currency, 'currency');
    const units = (value: string | undefined, field: string) => {
      if (value === undefined) return null;
      try {
        return Money.of(value, dto.currency).minorUnits();
      } catch (error) {
        if (isMoneyError(error))
          throw new LedgerError('LEDGER.INVALID_ACCOUNT', `${field}: ${error.message}`, { field });
        throw error;
      }
    };
    const requested: Account = {
      id: dto.id,
      name: dto.name,
      type: dto.type,
      normalSide: dto.normalSide ?? defaultNormalSide(dto.type),
      currency: dto.currency,
      minBalance: units(dto.minBalance, 'minBalance'),
      maxBalance: units(dto.maxBalance, 'maxBalance'),
      allowsSubaccounts: dto.allowsSubaccounts ?? false,
      parentId: null,
    };
    if (
      requested.minBalance !== null &&
      requested.maxBalance !== null &&
      requested.minBalance > requested.maxBalance
    ) {
      throw new LedgerError('LEDGER.INVALID_ACCOUNT', 'minBalance must not exceed maxBalance', {
        field: 'minBalance',
      });
    }
    return inTransaction(this.dataSource, async (manager) => {
      const segments = dto.id.split(':');
      const parentId = segments.length > 2 ? segments.slice(0, -1).join(':') : null;
      const current = await this.directory.find(manager, dto.id);
      const parent = parentId ? await this.directory.find(manager, parentId) : undefined;
      const account: Account = { ...requested, parentId: parent ? parentId : null };
      if (current) {
        const same = JSON.stringify(settingsOf(current)) === JSON.stringify(settingsOf(account));
        if (!same) {
          throw new LedgerError(
            'LEDGER.ACCOUNT_EXISTS',
            `account ${dto.id} exists with other settings`,
            {
              account: accountView(current),
            },
          );
        }
        return { account: accountView(current), created: false };
      }
      await this.directory.insert(manager, [account], actor);
      return { account: accountView({ ...account, createdBy: actor }), created: true };
    });
  }

  async list(
    prefix: string | undefined,
    after: string | undefined,
    limit: number,
  ): Promise<{ accounts: AccountView[]; nextCursor: string | null }> {
    const rows = await this.directory.list(
      this.dataSource.manager,
      prefix ?? null,
      after ?? null,
      limit + 1,
    );
    const page = rows.slice(0, limit).map(accountView);
    return { accounts: page, nextCursor: rows.length > limit ? (page.at(-1)?.id ?? null) : null };
  }

  async get(id: string): Promise<StoredAccount> {
    const account = await this.directory.find(this.dataSource.manager, id);
    if (!account)
      throw new LedgerError('LEDGER.UNKNOWN_ACCOUNT', `account ${id} does not exist`, {
        account: id,
      });
    return account;
  }

  /** Current balance from the balances row (O(1)); as of a time from the last line before it (one index probe). */
  async balance(id: string, asOf: Date | undefined): Promise<BalanceView> {
    const account = await this.get(id);
    const money = (value: string) => Money.of(value, account.currency);
    const normal = (signed: Money) => (account.normalSide === 'debit' ? signed : signed.negate());
    if (asOf) {
      const after = await BalanceReader.accountAsOf(
        this.dataSource.manager,
        id,
        account.currency,
        asOf,
      );
      const signed = money(after ?? '0');
      return {
        account: id,
        currency: account.currency,
        asOf: asOf.toISOString(),
        balance: signed.toString(),
        normalBalance: normal(signed).toString(),
        pendingDebits: null,
        pendingCredits: null,
        availableToDebit: null,
        availableToCredit: null,
      };
    }
    const row = await BalanceReader.accountNow(this.dataSource.manager, id, account.currency);
    const signed = money(row?.posted_debits ?? '0').subtract(money(row?.posted_credits ?? '0'));
    const pendingDebits = money(row?.pending_debits ?? '0');
    const pendingCredits = money(row?.pending_credits ?? '0');
    const normalBalance = normal(signed);
    const pendingUp = account.normalSide === 'debit' ? pendingDebits : pendingCredits;
    const pendingDown = account.normalSide === 'debit' ? pendingCredits : pendingDebits;
    const roomUp =
      account.maxBalance === null
        ? null
        : Money.fromMinorUnits(account.maxBalance, account.currency)
            .subtract(normalBalance)
            .subtract(pendingUp);
    const roomDown =
      account.minBalance === null
        ? null
        : normalBalance
            .subtract(pendingDown)
            .subtract(Money.fromMinorUnits(account.minBalance, account.currency));
    return {
      account: id,
      currency: account.currency,
      asOf: null,
      balance: signed.toString(),
      normalBalance: normalBalance.toString(),
      pendingDebits: pendingDebits.toString(),
      pendingCredits: pendingCredits.toString(),
      availableToDebit: (account.normalSide === 'debit' ? roomUp : roomDown)?.toString() ?? null,
      availableToCredit: (account.normalSide === 'debit' ? roomDown : roomUp)?.toString() ?? null,
    };
  }

  /** Lines in posting order with the running balance, a page at a time; the cursor is opaque. */
  async statement(
    id: string,
    from: Date | undefined,
    to: Date | undefined,
    cursor: string | undefined,
    limit: number,
  ): Promise<Statement> {
    const account = await this.get(id);
    const after = cursor ? decodeCursor(cursor) : null;
    const rows = await BalanceReader.statementPage(this.dataSource.manager, {
      account: id,
      currency: account.currency,
      from,
      to,
      after,
      limit: limit + 1,
    });
    const page = rows.slice(0, limit);
    const first = page[0];
    const money = (value: string) => Money.of(value, account.currency);
    const opening = first
      ? money(first.balance_after).subtract(
          first.side === 'debit' ? money(first.amount) : money(first.amount).negate(),
        )
      : Money.zero(account.currency);
    const last = page.at(-1);
    return {
      account: id,
      currency: account.currency,
      openingBalance: opening.toString(),
      lines: page.map((row) => ({
        entryId: row.entry_id,
        lineNo: row.line_no,
        postedAt: row.posted_at.toISOString(),
        effectiveAt: row.effective_at.toISOString(),
        description: row.description,
        side: row.side,
        amount: money(row.amount).toString(),
        balance: money(row.balance_after).toString(),
      })),
      nextCursor: rows.length > limit && last ? encodeCursor(last.entry_seq, last.line_no) : null,
    };
  }
}

function encodeCursor(seq: string, lineNo: number): string {
  return Buffer.from(`${seq}:${lineNo}`, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): { seq: string; lineNo: number } {
  const match = /^(\d{1,19}):(\d{1,5})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match?.[1] || !match[2]) {
    throw new LedgerError(
      'LEDGER.INVALID_QUERY',
      'cursor is not valid: pass the nextCursor of the previous page',
      {
        field: 'cursor',
      },
    );
  }
  return { seq: match[1], lineNo: Number(match[2]) };
}
