import { Controller } from '@nestjs/common';
import { Caller, Endpoint, Input, type Principal, type RouteInput } from '@credit/platform';
import { getCreditLine } from '@credit/api';
import { ApplicationsService } from '../applications/applications.service';

@Controller()
export class CreditLinesController {
  constructor(private readonly applications: ApplicationsService) {}

  @Endpoint(getCreditLine)
  async get(
    @Input() { params }: RouteInput<typeof getCreditLine>,
    @Caller() caller: Principal | undefined,
  ) {
    return this.applications.lineView(params.lineId, caller);
  }
}
