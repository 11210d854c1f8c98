import { Controller, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Actor, Endpoint, Input, type RouteInput } from '@credit/platform';
import { createAccount, getAccount, getBalance, getStatement, listAccounts } from '@credit/api';
import type { AccountView, BalanceView, Statement } from '@credit/api';
import { AccountsService, accountView } from './accounts.service';

@Controller()
export class AccountsController {
  constructor(private readonly accounts: AccountsService) {}

  @Endpoint(listAccounts)
  async list(
    @Input() { query }: RouteInput<typeof listAccounts>,
  ): Promise<{ accounts: AccountView[]; nextCursor: string | null }> {
    return this.accounts.list(query.prefix, query.cursor, query.limit);
  }

  @Endpoint(createAccount)
  async create(
    @Input() { body }: RouteInput<typeof createAccount>,
    @Actor() actor: string,
    @Res() response: Response,
  ): Promise<void> {
    const { account, created } = await this.accounts.create(body, actor);
    response.status(created ? 201 : 200).json(account);
  }

  @Endpoint(getAccount)
  async get(@Input() { params }: RouteInput<typeof getAccount>): Promise<AccountView> {
    return accountView(await this.accounts.get(params.id));
  }

  @Endpoint(getBalance)
  async balance(@Input() { params, query }: RouteInput<typeof getBalance>): Promise<BalanceView> {
    return this.accounts.balance(params.id, query.asOf);
  }

  @Endpoint(getStatement)
  async statement(@Input() { params, query }: RouteInput<typeof getStatement>): Promise<Statement> {
    return this.accounts.statement(params.id, query.from, query.to, query.cursor, query.limit);
  }
}
