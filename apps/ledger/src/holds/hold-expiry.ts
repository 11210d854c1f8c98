import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER } from '@credit/platform';
import { HoldsService } from './holds.service';

/** How often due holds are looked for. */
export const HoldExpiryIntervalMs = 1_000;

/** Voids holds whose expiry passed, in the background. */
@Injectable()
export class HoldExpiry implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly holds: HoldsService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.running ??= this.sweep().finally(() => (this.running = undefined));
    }, HoldExpiryIntervalMs);
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  private async sweep(): Promise<void> {
    try {
      const expired = await this.holds.expireDue();
      if (expired > 0) this.logger.info({ expired }, `expired ${expired} holds`);
    } catch (error) {
      this.logger.warn({ err: error }, 'hold expiry sweep failed; retrying next interval');
    }
  }
}
