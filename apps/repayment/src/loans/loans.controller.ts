import { Controller, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Endpoint, Input, type RouteInput } from '@credit/platform';
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
  async get(@Input() { params }: RouteInput<typeof getLoan>) {
    return this.loans.view(params.id);
  }

  @Endpoint(repayLoan)
  async repay(
    @Input() { params, idempotencyKey, body }: RouteInput<typeof repayLoan>,
    @Res() response: Response,
  ): Promise<void> {
    const { repayment, replayed } = await this.loans.repay(params.id, idempotencyKey, body);
    response
      .status(replayed ? 200 : 201)
      .setHeader('Idempotent-Replayed', String(replayed))
      .json(repayment);
  }

  @Endpoint(payoffQuote)
  async payoffQuote(@Input() { params, query }: RouteInput<typeof payoffQuote>) {
    return this.loans.payoffQuote(params.id, query.date);
  }
}
