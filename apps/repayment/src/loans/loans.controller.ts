import { Controller, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Caller, Endpoint, Input, type Principal, type RouteInput } from '@credit/platform';
import { getLoan, listLoans, payoffQuote, repayLoan } from '@credit/api';
import { LoansService } from './loans.service';

@Controller()
export class LoansController {
  constructor(private readonly loans: LoansService) {}

  @Endpoint(listLoans)
  async list(@Input() { query }: RouteInput<typeof listLoans>) {
    return this.loans.receivables(query.cursor ?? null, query.limit);
  }

  @Endpoint(getLoan)
  async get(
    @Input() { params }: RouteInput<typeof getLoan>,
    @Caller() caller: Principal | undefined,
  ) {
    return this.loans.view(params.id, caller);
  }

  @Endpoint(repayLoan)
  async repay(
    @Input() { params, idempotencyKey, body }: RouteInput<typeof repayLoan>,
    @Caller() caller: Principal | undefined,
    @Res() response: Response,
  ): Promise<void> {
    const { repayment, replayed } = await this.loans.repay(params.id, idempotencyKey, body, caller);
    response
      .status(replayed ? 200 : 201)
      .setHeader('Idempotent-Replayed', String(replayed))
      .json(repayment);
  }

  @Endpoint(payoffQuote)
  async payoffQuote(
    @Input() { params, query }: RouteInput<typeof payoffQuote>,
    @Caller() caller: Principal | undefined,
  ) {
    return this.loans.payoffQuote(params.id, query.date, caller);
  }
}
