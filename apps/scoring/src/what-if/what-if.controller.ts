import { Controller, Inject } from '@nestjs/common';
import { Endpoint, Input, PLATFORM_CONFIG, type RouteInput } from '@credit/platform';
import type { Scorecard } from '@credit/scorecard';
import { type ScoringConfig, policyLimitsOf } from '../config/env';
import { creditRequestOf } from '../domain/credit-request';
import { decide } from '../domain/decide';
import type { PolicyLimits } from '../domain/rules';
import { SCORECARD } from '../infrastructure/scorecard-artifact';
import { whatIf } from '@credit/api';

@Controller()
export class WhatIfController {
  private readonly limits: PolicyLimits;

  constructor(
    @Inject(SCORECARD) private readonly card: Scorecard,
    @Inject(PLATFORM_CONFIG) config: ScoringConfig,
  ) {
    this.limits = policyLimitsOf(config);
  }

  @Endpoint(whatIf)
  score(@Input() { body }: RouteInput<typeof whatIf>) {
    const decision = decide(this.card, creditRequestOf(body), null, this.limits);
    return {
      modelVersion: decision.modelVersion,
      score: decision.score,
      pd: decision.pd,
      decision: decision.decision,
      band: decision.band,
      priceTier: decision.priceTier,
      reasons: decision.reasons,
      rulesFired: decision.rulesFired,
      pointsByAttribute: decision.pointsByAttribute,
      creditLine: decision.creditLine
        ? { limit: decision.creditLine.limit.toJSON(), priceTier: decision.creditLine.priceTier }
        : null,
      draw: decision.draw
        ? {
            pricing: decision.draw.pricing,
            merchantFee: decision.draw.merchantFee?.toJSON() ?? null,
          }
        : null,
    };
  }
}
