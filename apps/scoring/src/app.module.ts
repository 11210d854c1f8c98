import { type DynamicModule, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { platformEventCatalog } from '@credit/contracts';
import { MessagingModule } from '@credit/messaging';
import { PlatformModule } from '@credit/platform';
import type { ScoringConfig } from './config/env';
import { ApplicationSubmittedHandler } from './decide-application/application-submitted.handler';
import { DecideApplicationService } from './decide-application/decide-application.service';
import { DecisionsController } from './decisions/decisions.controller';
import { LinesController } from './decisions/lines.controller';
import { DecisionStore } from './infrastructure/decision-store';
import { ReferralStore } from './infrastructure/referral-store';
import { SCORECARD, loadScorecardArtifact } from './infrastructure/scorecard-artifact';
import { LineExposureService, lineExposureHandlers } from './line-exposure/line-exposure.handlers';
import { scoringMigrations } from './migrations';
import { ModelDeploymentService } from './model-deployment/model-deployment.service';
import { ReferralsController } from './referrals/referrals.controller';
import { ReferralsService } from './referrals/referrals.service';
import { WhatIfController } from './what-if/what-if.controller';

/** The consumer group of the scoring service. */
export const ScoringConsumerGroup = 'scoring';
/** What its consumer handles; `platformStreams` in libs/contracts lists the same (unit-tested). */
export const ScoringEventHandlers = [ApplicationSubmittedHandler, ...lineExposureHandlers];

@Module({})
export class ScoringModule {
  static register(config: ScoringConfig, logger: Logger): DynamicModule {
    // Loaded once, before anything listens: a missing or invalid model stops the boot.
    const scorecard = loadScorecardArtifact();
    logger.info(
      { modelVersion: scorecard.modelVersion, cutoffScore: scorecard.fairness.cutoffScore },
      'scorecard loaded',
    );
    return {
      module: ScoringModule,
      imports: [
        PlatformModule.forRoot({
          service: 'scoring',
          config,
          logger,
          database: { entities: [], migrations: scoringMigrations },
        }),
        MessagingModule.forRoot({
          catalog: platformEventCatalog(),
          consumers: [
            {
              groupId: config.KAFKA_CONSUMER_GROUP ?? ScoringConsumerGroup,
              handlers: ScoringEventHandlers,
            },
          ],
        }),
      ],
      controllers: [WhatIfController, DecisionsController, ReferralsController, LinesController],
      providers: [
        { provide: SCORECARD, useValue: scorecard },
        { provide: DecisionStore, useValue: new DecisionStore() },
        { provide: ReferralStore, useValue: new ReferralStore() },
        ReferralsService,
        ModelDeploymentService,
        DecideApplicationService,
        ApplicationSubmittedHandler,
        LineExposureService,
        ...lineExposureHandlers,
      ],
    };
  }
}
