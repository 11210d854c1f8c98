import { type DynamicModule, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { Topics, platformEventCatalog } from '@credit/contracts';
import { MessagingModule } from '@credit/messaging';
import { PlatformModule } from '@credit/platform';
import { ApplicationDecidedHandler } from './application-decided/application-decided.handler';
import {
  ApplicationRecordedHandler,
  PersonalDataErasedHandler,
} from './application-decided/application-recorded.handler';
import { RecordDecisionService } from './application-decided/record-decision.service';
import { ApplicationsController } from './applications/applications.controller';
import { ApplicationsService } from './applications/applications.service';
import type { ApplicationConfig } from './config/env';
import { CreditLinesController } from './credit-lines/credit-lines.controller';
import { ApplicationStore } from './infrastructure/application-store';
import { applicationMigrations } from './migrations';
import { PersonalDataStore } from './infrastructure/personal-data-store';
import { EnvelopeCipher } from './personal-data/envelope-cipher';
import { KeyRotationService } from './personal-data/key-rotation.service';
import { PersonalDataController } from './personal-data/personal-data.controller';
import { PersonalDataService } from './personal-data/personal-data.service';
import { PiiCipher } from './personal-data/pii-cipher';
import { DeclinedRetention } from './personal-data/retention';

/** The consumer group of the application service. */
export const ApplicationConsumerGroup = 'application';
/** What its consumer handles; `platformStreams` in libs/contracts lists the same (unit-tested). */
export const ApplicationEventHandlers = [
  ApplicationDecidedHandler,
  ApplicationRecordedHandler,
  PersonalDataErasedHandler,
];

@Module({})
export class ApplicationModule {
  static register(config: ApplicationConfig, logger: Logger): DynamicModule {
    return {
      module: ApplicationModule,
      imports: [
        PlatformModule.forRoot({
          service: 'application',
          config,
          logger,
          database: { entities: [], migrations: applicationMigrations },
        }),
        MessagingModule.forRoot({
          catalog: platformEventCatalog(),
          consumers: [
            {
              groupId: config.KAFKA_CONSUMER_GROUP ?? ApplicationConsumerGroup,
              handlers: ApplicationEventHandlers,
            },
          ],
          // A rebuild restores the applications first; their decisions then find them.
          replayFirst: [Topics.applicationChangelog],
        }),
      ],
      controllers: [ApplicationsController, CreditLinesController, PersonalDataController],
      providers: [
        {
          // The master keys wrap each application's data key (envelope encryption).
          provide: EnvelopeCipher,
          useValue: new EnvelopeCipher(
            new PiiCipher(config.APPLICATION_PII_KEYS, config.APPLICATION_PII_ACTIVE_KEY_ID),
          ),
        },
        { provide: ApplicationStore, useValue: new ApplicationStore() },
        { provide: PersonalDataStore, useValue: new PersonalDataStore() },
        PersonalDataService,
        KeyRotationService,
        DeclinedRetention,
        PersonalDataErasedHandler,
        ApplicationsService,
        RecordDecisionService,
        ApplicationDecidedHandler,
        ApplicationRecordedHandler,
      ],
    };
  }
}
