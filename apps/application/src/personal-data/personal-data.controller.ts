import { Controller, Req, Res } from '@nestjs/common';
import type { Response } from 'express';
import {
  type AuthenticatedRequest,
  Endpoint,
  Input,
  type RouteInput,
  actorOf,
} from '@credit/platform';
import {
  RotationBatchSizeDefault,
  erasePersonalData,
  getPersonalData,
  getRotation,
  rotatePersonalData,
} from '@credit/api';
import { KeyRotationService } from './key-rotation.service';
import { PersonalDataService } from './personal-data.service';

/** A customer's personal-data rights (access, erasure) and the key rotation. */
@Controller()
export class PersonalDataController {
  constructor(
    private readonly personalData: PersonalDataService,
    private readonly rotation: KeyRotationService,
  ) {}

  @Endpoint(getPersonalData)
  access(
    @Input() { params }: RouteInput<typeof getPersonalData>,
    @Req() request: AuthenticatedRequest,
  ) {
    return this.personalData.access(params.customerId, actorOf(request.principal));
  }

  @Endpoint(erasePersonalData)
  async erase(
    @Input() { params, body, idempotencyKey }: RouteInput<typeof erasePersonalData>,
    @Req() request: AuthenticatedRequest,
    @Res() response: Response,
  ): Promise<void> {
    const erased = await this.personalData.erase(
      params.customerId,
      idempotencyKey,
      actorOf(request.principal),
      body.note,
    );
    response.status(200).setHeader('Idempotent-Replayed', String(erased.replayed)).json(erased);
  }

  @Endpoint(rotatePersonalData)
  async rotate(
    @Input() { body, idempotencyKey }: RouteInput<typeof rotatePersonalData>,
    @Req() request: AuthenticatedRequest,
    @Res() response: Response,
  ): Promise<void> {
    const { progress, replayed } = await this.rotation.step(
      idempotencyKey,
      actorOf(request.principal),
      body.batchSize ?? RotationBatchSizeDefault,
    );
    response.status(200).setHeader('Idempotent-Replayed', String(replayed)).json(progress);
  }

  @Endpoint(getRotation)
  latestRotation() {
    return this.rotation.latest();
  }
}
