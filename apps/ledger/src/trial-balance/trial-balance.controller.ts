import { Controller } from '@nestjs/common';
import { Endpoint, Input, type RouteInput } from '@credit/platform';
import { trialBalance } from '@credit/api';
import { type TrialBalance, TrialBalanceService } from './trial-balance.service';

@Controller()
export class TrialBalanceController {
  constructor(private readonly service: TrialBalanceService) {}

  @Endpoint(trialBalance)
  async get(@Input() { query }: RouteInput<typeof trialBalance>): Promise<TrialBalance> {
    return this.service.trialBalance(query.asOf);
  }
}
