import { Controller } from '@nestjs/common';
import { Endpoint, Input, type RouteInput } from '@credit/platform';
import { closeBusinessDay } from '@credit/api';
import { type CloseOfBusinessReport, CloseOfBusinessService } from './close-of-business.service';

@Controller()
export class CloseOfBusinessController {
  constructor(private readonly cob: CloseOfBusinessService) {}

  @Endpoint(closeBusinessDay)
  async close(
    @Input() { body }: RouteInput<typeof closeBusinessDay>,
  ): Promise<CloseOfBusinessReport> {
    return this.cob.closeRequested(body.businessDate);
  }
}
