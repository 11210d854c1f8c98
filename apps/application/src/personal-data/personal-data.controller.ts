import { Controller, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Actor, Endpoint, Input, type RouteInput } from '@credit/platform';
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
  access(@Input() { params }: RouteInput<typeof getPersonalData>, @Actor() actor: string) {
    return this.personalData.access(params.customerId, actor);
  }

  @Endpoint(erasePersonalData)
  async erase(
    @Input() { params, body, idempotencyKey }: RouteInput<typeof erasePersonalData>,
    @Actor() actor: string,
    @Res() response: Response,
  ): Promise<void> {
    const erased = await this.personalData.erase(
      params.customerId,
      idempotencyKey,
      actor,
      body.note,
    );
    response.status(200).setHeader('Idempotent-Replayed', String(erased.replayed)).json(erased);
  }

  @Endpoint(rotatePersonalData)
  async rotate(
    @Input() { body, idempotencyKey }: RouteInput<typeof rotatePersonalData>,
    @Actor() actor: string,
    @Res() response: Response,
  ): Promise<void> {
    const { progress, replayed } = await this.rotation.step(
      idempotencyKey,
      actor,
      body.batchSize ?? RotationBatchSizeDefault,
    );
    response.status(200).setHeader('Idempotent-Replayed', String(replayed)).json(progress);
  }

  @Endpoint(getRotation)
  latestRotation() {
    return this.rotation.latest();
  }
}
