import { Body, Controller, Get, Param, Post, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { RequireRole, parseIsoTimestamp } from '@credit/platform';
import { LedgerError } from '../domain/ledger-error';
import { CreateAccountDto } from './accounts.dto';
import {
  AccountsPageMax,
  AccountsService,
  StatementPageMax,
  accountView,
  type AccountView,
  type BalanceView,
} from './accounts.service';

export function pageLimit(value: string | undefined, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  if (!/^\d{1,4}$/.test(value) || Number(value) < 1 || Number(value) > max) {
    throw new LedgerError('LEDGER.INVALID_QUERY', `limit must be a whole number from 1 to ${max}`, {
      field: 'limit',
    });
  }
  return Number(value);
}

@ApiTags('accounts')
@Controller('v1/accounts')
export class AccountsController {
  constructor(private readonly accounts: AccountsService) {}

  @Get()
  @RequireRole('operator')
  @ApiOperation({ summary: 'The chart of accounts, by id, a page at a time (operator)' })
  @ApiQuery({ name: 'prefix', required: false, example: 'assets:loans' })
  @ApiQuery({ name: 'cursor', required: false })
  @ApiQuery({ name: 'limit', required: false, example: 100 })
  async list(
    @Query('prefix') prefix: string | undefined,
    @Query('cursor') cursor: string | undefined,
    @Query('limit') limit: string | undefined,
  ): Promise<{ accounts: AccountView[]; nextCursor: string | null }> {
    return this.accounts.list(prefix, cursor, pageLimit(limit, 100, AccountsPageMax));
  }

  @Post()
  @RequireRole('admin')
  @ApiOperation({
    summary: 'Add an account to the chart (admin); idempotent by account id',
    description:
      'The same id with the same settings returns the account (200); with other settings it is a 409.',
  })
  async create(@Body() body: CreateAccountDto, @Res() response: Response): Promise<void> {
    const { account, created } = await this.accounts.create(body);
    response.status(created ? 201 : 200).json(account);
  }

  @Get(':id')
  @RequireRole('operator')
  @ApiOperation({ summary: 'One account (operator)' })
  async get(@Param('id') id: string): Promise<AccountView> {
    return accountView(await this.accounts.get(id));
  }

  @Get(':id/balance')
  @RequireRole('operator')
  @ApiOperation({
    summary: 'Posted and pending balance, or the posted balance as of a time (operator)',
    description:
      "Balance is signed, debit positive; normalBalance is on the account's normal side.",
  })
  @ApiQuery({ name: 'asOf', required: false, example: '2026-11-25T00:00:00Z' })
  async balance(
    @Param('id') id: string,
    @Query('asOf') asOf: string | undefined,
  ): Promise<BalanceView> {
    return this.accounts.balance(id, parseIsoTimestamp('asOf', asOf));
  }

  @Get(':id/statement')
  @RequireRole('operator')
  @ApiOperation({
    summary: 'Lines in posting order with the running balance, by cursor (operator)',
  })
  @ApiQuery({ name: 'from', required: false })
  @ApiQuery({ name: 'to', required: false })
  @ApiQuery({ name: 'cursor', required: false })
  @ApiQuery({ name: 'limit', required: false, example: 100 })
  async statement(
    @Param('id') id: string,
    @Query('from') from: string | undefined,
    @Query('to') to: string | undefined,
    @Query('cursor') cursor: string | undefined,
    @Query('limit') limit: string | undefined,
  ) {
    return this.accounts.statement(
      id,
      parseIsoTimestamp('from', from),
      parseIsoTimestamp('to', to),
      cursor,
      pageLimit(limit, 100, StatementPageMax),
    );
  }
}
