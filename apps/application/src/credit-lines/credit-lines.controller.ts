import { Controller } from '@nestjs/common';
import { Endpoint, Input, type RouteInput } from '@credit/platform';
import { getCreditLine } from '@credit/api';
import { ApplicationsService } from '../applications/applications.service';

@Controller()
export class CreditLinesController {
  constructor(private readonly applications: ApplicationsService) {}

  @Endpoint(getCreditLine)
  async get(@Input() { params }: RouteInput<typeof getCreditLine>) {
    return this.applications.lineView(params.lineId);
  }
}
