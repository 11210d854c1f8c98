import { Controller } from '@nestjs/common';
import { Actor, Endpoint, Input, type RouteInput } from '@credit/platform';
import { closeBusinessDay } from '@credit/api';
import { type CloseOfBusinessAnswer, CloseOfBusinessService } from './close-of-business.service';

@Controller()
export class CloseOfBusinessController {
  constructor(private readonly cob: CloseOfBusinessService) {}

  @Endpoint(closeBusinessDay)
  async close(
    @Input() { body }: RouteInput<typeof closeBusinessDay>,
    @Actor() actor: string,
  ): Promise<CloseOfBusinessAnswer> {
    return this.cob.closeRequested(body.businessDate, actor);
  }
}
