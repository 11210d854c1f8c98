import { Controller, Get, HttpStatus, Injectable, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from './auth';

export interface HealthCheckResult {
  readonly up: boolean;
  readonly detail?: string;
}

export type HealthCheck = () => Promise<HealthCheckResult> | HealthCheckResult;

/** Readiness checks by name (database, kafka, ...). Ready only when every check is up. */
@Injectable()
export class HealthRegistry {
  private readonly checks = new Map<string, HealthCheck>();

  register(name: string, check: HealthCheck): void {
    this.checks.set(name, check);
  }

  async evaluate(): Promise<{ ready: boolean; checks: Record<string, HealthCheckResult> }> {
    const results: Record<string, HealthCheckResult> = {};
    for (const [name, check] of this.checks) {
      try {
        results[name] = await check();
      } catch (error) {
        results[name] = {
          up: false,
          detail: error instanceof Error ? error.message : String(error),
        };
      }
    }
    const ready = this.checks.size > 0 && Object.values(results).every((result) => result.up);
    return { ready, checks: results };
  }
}

@ApiTags('operations')
@Controller()
export class HealthController {
  constructor(private readonly registry: HealthRegistry) {}

  @Public()
  @Get('health')
  @ApiOperation({ summary: 'Readiness: 200 when the database and Kafka are reachable, else 503' })
  async health(@Res() response: Response): Promise<void> {
    const { ready, checks } = await this.registry.evaluate();
    response
      .status(ready ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE)
      .json({ status: ready ? 'ready' : 'not-ready', checks });
  }
}
