import { Controller, HttpStatus, Injectable, Res } from '@nestjs/common';
import type { Response } from 'express';
import { z } from 'zod';
import { Endpoint } from './http/endpoint';
import { defineRoute } from './http/route';

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

const healthSchema = z.object({
  status: z.enum(['ready', 'not-ready']),
  checks: z.record(z.string(), z.object({ up: z.boolean(), detail: z.string().optional() })),
});

export const healthRoute = defineRoute({
  operationId: 'health',
  method: 'GET',
  path: '/health',
  summary: 'Readiness: 200 when the database and Kafka are reachable, else 503',
  tags: ['operations'],
  role: 'public',
  responses: {
    200: { description: 'ready: every check is up', body: healthSchema },
    503: { description: 'not ready: the checks say which is down', body: healthSchema },
  },
});

@Controller()
export class HealthController {
  constructor(private readonly registry: HealthRegistry) {}

  @Endpoint(healthRoute)
  async health(@Res() response: Response): Promise<void> {
    const { ready, checks } = await this.registry.evaluate();
    response
      .status(ready ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE)
      .json({ status: ready ? 'ready' : 'not-ready', checks });
  }
}
