import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { PLATFORM_CONFIG, RequireRole } from '@credit/platform';
import type { Scorecard } from '@credit/scorecard';
import { type ScoringConfig, policyLimitsOf } from '../config/env';
import { creditRequestOf } from '../domain/credit-request';
import { decide } from '../domain/decide';
import type { PolicyLimits } from '../domain/rules';
import { SCORECARD } from '../infrastructure/scorecard-artifact';
import { parseWhatIf } from './what-if.request';

const Example = {
  kind: 'credit-line',
  applicant: {
    age: 35,
    monthlyIncome: { amount: '12000.00', currency: 'CNY' },
    monthlyDebtPayments: { amount: '800.00', currency: 'CNY' },
    profile: {
      checkingStatus: 'no checking',
      creditHistory: 'existing paid',
      purpose: 'radio/tv',
      savingsStatus: '<100',
      employmentSince: '1<=X<4',
      installmentRatePercent: 2,
      otherParties: 'none',
      residenceSince: 2,
      propertyMagnitude: 'car',
      otherPaymentPlans: 'none',
      housing: 'own',
      existingCredits: 1,
      job: 'skilled',
      dependents: 1,
      ownTelephone: 'yes',
    },
  },
  creditLine: { requestedLimit: { amount: '20000.00', currency: 'CNY' } },
  draw: null,
};

@ApiTags('scoring')
@Controller('v1/score')
export class WhatIfController {
  private readonly limits: PolicyLimits;

  constructor(
    @Inject(SCORECARD) private readonly card: Scorecard,
    @Inject(PLATFORM_CONFIG) config: ScoringConfig,
  ) {
    this.limits = policyLimitsOf(config);
  }

  @Post()
  @HttpCode(200)
  @RequireRole('customer')
  @ApiBody({
    description:
      'The application.submitted fields a decision reads: kind, applicant (age, monthlyIncome, monthlyDebtPayments, profile), creditLine {requestedLimit} or draw {product, amount, periods, feePayer?, lineId?, merchantId?}.',
    schema: { type: 'object', example: Example },
  })
  @ApiOperation({
    summary: 'What-if: score, pd, decision and reasons for a profile (stateless, nothing stored)',
    description:
      'The same scorecard, rules and bands as a real application, without the rules that need history (velocity, existing lines, the line of a draw). 400 VALIDATION.FAILED lists every bad field.',
  })
  score(@Body() body: unknown) {
    const decision = decide(this.card, creditRequestOf(parseWhatIf(body)), null, this.limits);
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
