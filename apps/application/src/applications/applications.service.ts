import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import {
  ApplicationRecordedV1,
  ApplicationSubmittedV1,
  type ApplicationSubmittedV1Payload,
} from '@credit/contracts';
import { OutboxWriter } from '@credit/messaging';
import { Money } from '@credit/money';
import { customerIdOf, invariant } from '@credit/kernel';
import {
  DomainError,
  PLATFORM_CONFIG,
  type Principal,
  customerScopeOf,
  mayAccessCustomer,
} from '@credit/platform';
import type { ApplicationConfig } from '../config/env';
import { ApplicationError, ageOn } from '../domain/application';
import {
  ApplicationStore,
  type ApplicationRow,
  type NewApplication,
  recordedPayloadOf,
} from '../infrastructure/application-store';
import { requestHashOf } from '../personal-data/customer-id';
import { PersonalDataService } from '../personal-data/personal-data.service';
import { type ApplicationView, applicationView, creditLineView } from './application-view';
import type { SubmitApplicationRequest } from '@credit/api';

const ApplicationConflict = {
  code: 'APPLICATION.IDEMPOTENCY_CONFLICT',
  resource: 'another application',
} as const;

export { personalDataContext } from '../personal-data/personal-data.service';

@Injectable()
export class ApplicationsService {
  private readonly pepper: string;

  constructor(
    private readonly dataSource: DataSource,
    private readonly store: ApplicationStore,
    private readonly outbox: OutboxWriter,
    private readonly personalData: PersonalDataService,
    @Inject(PLATFORM_CONFIG) config: ApplicationConfig,
  ) {
    this.pepper = config.APPLICATION_CUSTOMER_ID_PEPPER;
  }

  /**
   * Validates, encrypts the personal data, stores the application and appends
   * application.submitted (customer id, no personal data) in one transaction. A customer applies
   * only as themselves: the national ID must be theirs (403, nothing stored, before any replay).
   */
  async submit(
    idempotencyKey: string,
    dto: SubmitApplicationRequest,
    caller: Principal | undefined,
  ): Promise<{ application: ApplicationView; replayed: boolean }> {
    const submittedAt = new Date();
    const today = submittedAt.toISOString().slice(0, 10);
    const customerId = customerIdOf(dto.applicant.nationalId, this.pepper);
    if (!mayAccessCustomer(caller, customerId))
      throw new DomainError(
        'APPLICATION.APPLICANT_NOT_CALLER',
        `applicant.nationalId is not the national ID of the customer the token speaks for (${customerScopeOf(caller) ?? 'none'}): a customer applies only as themselves`,
        'forbidden',
        { field: 'applicant.nationalId' },
      );
    const requestHash = requestHashOf(dto, this.pepper);
    const request = this.requestOf(dto, today);

    return this.dataSource.transaction(async (manager) => {
      const previous = await this.store.keys.find(manager, idempotencyKey);
      if (previous) return this.replay(previous, requestHash, idempotencyKey, caller);
      if (request.draw) await this.requireDrawableLine(manager, customerId, request.draw);

      const id = randomUUID();
      // Sealed under a data key of its own (crypto-shredding: erasure destroys the key).
      const sealed = this.personalData.seal(id, dto.applicant);
      const application: NewApplication = {
        id,
        idempotencyKey,
        requestHash,
        customerId,
        kind: dto.kind,
        encrypted: sealed.fields,
        age: request.age,
        currency: request.monthlyIncome.currency,
        monthlyIncome: request.monthlyIncome.toString(),
        monthlyDebtPayments: request.monthlyDebtPayments.toString(),
        profile: request.profile,
        requestedLimit: request.requestedLimit?.toString() ?? null,
        draw: request.draw && {
          ...request.draw,
          amount: request.draw.amount.toString(),
          repaymentMethod: request.draw.repaymentMethod ?? null,
        },
        submittedAt: submittedAt.toISOString(),
        consent: { ...dto.consent, consentedAt: submittedAt.toISOString() },
      };
      const inserted = await this.store.insert(manager, application);
      if (!inserted) {
        // A concurrent request with the same key committed first: answer as its replay.
        const twin = await this.store.keys.replayOfTwin(manager, idempotencyKey, requestHash, {
          ...ApplicationConflict,
          conceal: customerScopeOf(caller) !== undefined,
        });
        return { application: applicationView(twin), replayed: true };
      }
      await this.personalData.storeDataKey(manager, id, customerId, sealed);
      const payload: ApplicationSubmittedV1Payload = {
        applicationId: id,
        customerId,
        kind: dto.kind,
        applicant: {
          age: request.age,
          monthlyIncome: request.monthlyIncome.toJSON(),
          monthlyDebtPayments: request.monthlyDebtPayments.toJSON(),
          profile: request.profile,
        },
        creditLine: request.requestedLimit
          ? { requestedLimit: request.requestedLimit.toJSON() }
          : null,
        draw: request.draw && {
          lineId: request.draw.lineId,
          product: request.draw.product,
          amount: request.draw.amount.toJSON(),
          periods: request.draw.periods,
          merchantId: request.draw.merchantId,
          feePayer: request.draw.feePayer,
          ...(request.draw.repaymentMethod && { repaymentMethod: request.draw.repaymentMethod }),
        },
        submittedAt: submittedAt.toISOString(),
      };
      await this.outbox.append(manager, {
        definition: ApplicationSubmittedV1,
        key: id,
        payload,
        // The accepted request (one per idempotency key) is the cause: its application id.
        cause: { source: 'submit', id },
      });
      // On the changelog too: what came over HTTP is rebuilt from there, not from the decision.
      await this.outbox.append(manager, {
        definition: ApplicationRecordedV1,
        key: id,
        cause: { source: 'changelog', id },
        payload: recordedPayloadOf(application),
      });
      const row = await this.store.find(manager, id, false);
      invariant(row, `application ${id} vanished inside its own transaction`);
      return { application: applicationView(row), replayed: false };
    });
  }

  /** An application; another customer's answers as a missing one. */
  async view(applicationId: string, caller: Principal | undefined): Promise<ApplicationView> {
    const row = await this.store.find(this.dataSource.manager, applicationId, false);
    if (!row || !mayAccessCustomer(caller, row.customer_id))
      throw new ApplicationError(
        'APPLICATION.NOT_FOUND',
        `application ${applicationId} does not exist`,
        'not-found',
      );
    return applicationView(row);
  }

  /** A credit line; another customer's answers as a missing one. */
  async lineView(lineId: string, caller: Principal | undefined) {
    const row = await this.store.findLine(this.dataSource.manager, lineId, false);
    if (!row || !mayAccessCustomer(caller, row.customer_id))
      throw new ApplicationError(
        'APPLICATION.LINE_NOT_FOUND',
        `credit line ${lineId} does not exist`,
        'not-found',
      );
    return creditLineView(row);
  }

  /**
   * The earlier answer under the key. Keys are not scoped per customer, but a replay needs the
   * same request (its hash holds the national ID, which a customer must own): a key another
   * customer used is a conflict that does not name their application.
   */
  private replay(
    previous: ApplicationRow,
    requestHash: string,
    idempotencyKey: string,
    caller: Principal | undefined,
  ): { application: ApplicationView; replayed: boolean } {
    this.store.keys.decide(idempotencyKey, previous, requestHash, {
      ...ApplicationConflict,
      conceal: !mayAccessCustomer(caller, previous.customer_id),
    });
    return { application: applicationView(previous), replayed: true };
  }

  /**
   * A draw needs an active credit line of the same customer, in its currency, within its limit.
   * An unknown line and another customer's line get the same answer: no probing for line ids.
   */
  private async requireDrawableLine(
    manager: EntityManager,
    customerId: string,
    draw: { lineId: string; amount: Money },
  ): Promise<void> {
    const line = await this.store.findLine(manager, draw.lineId, 'share');
    if (!line || line.customer_id !== customerId || line.status !== 'active') {
      throw new ApplicationError(
        'APPLICATION.LINE_NOT_AVAILABLE',
        `credit line ${draw.lineId} is not an approved, active credit line of this customer`,
        'rejected',
      );
    }
    if (line.currency !== draw.amount.currency) {
      throw new ApplicationError(
        'APPLICATION.DRAW_CURRENCY_MISMATCH',
        `credit line ${draw.lineId} is in ${line.currency}; the draw is in ${draw.amount.currency}`,
        'rejected',
      );
    }
    const limit = Money.of(line.credit_limit, line.currency);
    if (draw.amount.greaterThan(limit)) {
      throw new ApplicationError(
        'APPLICATION.DRAW_EXCEEDS_LIMIT',
        `the draw of ${draw.amount.toString()} exceeds the line's limit of ${limit.toString()} ${line.currency}`,
        'rejected',
      );
    }
  }

  /** The validated request as domain values (Money, age); validation already passed. */
  private requestOf(dto: SubmitApplicationRequest, today: string) {
    const { applicant } = dto;
    const dateOfBirth = applicant.dateOfBirth;
    const age = applicant.age ?? (dateOfBirth == null ? undefined : ageOn(dateOfBirth, today));
    invariant(age !== undefined, 'a validated applicant has an age or a date of birth');
    const draw = dto.kind === 'draw' ? dto.draw : null;
    const requestedLimit =
      dto.kind === 'credit-line'
        ? Money.of(dto.creditLine.requestedLimit.amount, dto.creditLine.requestedLimit.currency)
        : null;
    return {
      age,
      monthlyIncome: Money.of(applicant.monthlyIncome.amount, applicant.monthlyIncome.currency),
      monthlyDebtPayments: Money.of(
        applicant.monthlyDebtPayments.amount,
        applicant.monthlyDebtPayments.currency,
      ),
      profile: { ...applicant.profile },
      requestedLimit,
      draw: draw
        ? {
            lineId: draw.lineId,
            product: draw.product,
            amount: Money.of(draw.amount.amount, draw.amount.currency),
            periods: draw.periods,
            merchantId: draw.merchantId ?? null,
            feePayer: draw.feePayer ?? null,
            // A cash loan is daily-interest unless the borrower chose another method.
            repaymentMethod:
              draw.product === 'cash-loan' ? (draw.repaymentMethod ?? 'daily-interest') : undefined,
          }
        : null,
    };
  }
}
