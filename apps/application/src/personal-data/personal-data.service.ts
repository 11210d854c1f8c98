import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import {
  type ApplicationRecordedV1Payload,
  PersonalDataErasedV1,
  type PersonalDataErasedV1Payload,
} from '@credit/contracts';
import { AdminAudit, type AdminAction, OutboxWriter } from '@credit/messaging';
import {
  type ErasureReason,
  PersonalDataError,
  type PersonalDataState,
  personalDataState,
} from '../domain/personal-data';
import { applicationView, creditLineView } from '../applications/application-view';
import { ApplicationStore, applicationOfRecord } from '../infrastructure/application-store';
import {
  type Erasure,
  type ErasureRow,
  type PersonalApplicationRow,
  PersonalDataStore,
  type SealedFields,
} from '../infrastructure/personal-data-store';
import { EnvelopeCipher } from './envelope-cipher';
import { PiiCipherError } from './pii-cipher';

type Field = 'name' | 'nationalId' | 'phone';
const Fields: readonly Field[] = ['name', 'nationalId', 'phone'];

/** The associated data that binds a sealed value to its application and field. */
export const personalDataContext = (applicationId: string, field: Field) =>
  `application/${applicationId}/${field}`;

/** A new application's sealed fields, and its data key wrapped (stored once the row is in). */
export interface SealedApplication {
  readonly fields: SealedFields;
  readonly dataKey: { readonly kekId: string; readonly wrappedKey: string };
}

export const AccessAction = 'personal-data.access';
export const ErasureAction = 'personal-data.erase';

/** The erasure as the API answers it: the audited action and what it did. */
export interface ErasureResponse {
  actionId: string;
  customerId: string;
  status: AdminAction['status'];
  replayed: boolean;
  result: Record<string, unknown> | null;
}

/**
 * Personal data of the application service: sealing under a data key per application, the
 * customer's access document, erasure by destroying the data keys (crypto-shredding).
 */
@Injectable()
export class PersonalDataService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly store: PersonalDataStore,
    private readonly applications: ApplicationStore,
    private readonly outbox: OutboxWriter,
    private readonly envelope: EnvelopeCipher,
    private readonly audit: AdminAudit,
  ) {}

  /** Seals a new application's fields under a fresh data key (nothing stored yet). */
  seal(applicationId: string, plain: SealedFields): SealedApplication {
    const dataKey = this.envelope.newDataKey();
    const fields = Object.fromEntries(
      Fields.map((field) => [
        field,
        this.envelope.seal(dataKey, plain[field], personalDataContext(applicationId, field)),
      ]),
    ) as unknown as SealedFields;
    return {
      fields,
      dataKey: {
        kekId: this.envelope.master.activeKeyId,
        wrappedKey: this.envelope.wrap(dataKey, applicationId),
      },
    };
  }

  /** Stores the data key of an application just inserted (same transaction). */
  storeDataKey(
    manager: EntityManager,
    applicationId: string,
    customerId: string,
    sealed: SealedApplication,
  ): Promise<void> {
    return this.store.insertDataKey(manager, { applicationId, customerId, ...sealed.dataKey });
  }

  /**
   * Everything this service holds about a customer, the personal data decrypted (or why not), in
   * one document. Audited (who asked, for which customer), found or not.
   */
  async access(customerId: string, actor: string) {
    const { action } = await this.audit.begin({
      idempotencyKey: `${AccessAction}/${randomUUID()}`,
      actor,
      action: AccessAction,
      selection: { customerId },
      dryRun: false,
    });
    try {
      const document = await this.dataSource.transaction('REPEATABLE READ', async (manager) => {
        const applications = await this.store.applicationsOf(manager, customerId);
        if (applications.length === 0) return undefined;
        const keys = await this.store.dataKeys(
          manager,
          applications.map((a) => a.id),
        );
        const erasures = await this.store.erasuresOf(manager, customerId);
        const keyOf = new Map(keys.map((k) => [k.application_id, k.wrapped_key]));
        const erasureOf = new Map(erasures.map((e) => [e.application_id, e]));
        return {
          customerId,
          generatedAt: new Date().toISOString(),
          applications: applications.map((row) =>
            this.accessEntry(row, keyOf.get(row.id), erasureOf.get(row.id)),
          ),
          creditLines: (await this.store.linesOf(manager, customerId)).map(creditLineView),
          erasures: erasures.map(erasureView),
        };
      });
      if (!document) throw notFound(customerId);
      await this.audit.finish(action.id, 'succeeded', {
        applications: document.applications.length,
      });
      return document;
    } catch (error) {
      await this.audit.finish(action.id, 'failed', {}, (error as Error).message);
      throw error;
    }
  }

  /**
   * Erases a customer's personal data: every application's data key destroyed, the sealed
   * columns overwritten, an erasure recorded and announced on the changelog (so a rebuild or a
   * restore erases again). Audited; the same Idempotency-Key answers the first erasure. The books
   * (other services) know the customer only by the pseudonymous id: nothing there changes.
   */
  async erase(
    customerId: string,
    idempotencyKey: string,
    actor: string,
    note: string | undefined,
  ): Promise<ErasureResponse> {
    const known = await this.store.applicationsOf(this.dataSource.manager, customerId);
    if (known.length === 0) throw notFound(customerId);
    const begun = await this.audit.begin({
      idempotencyKey,
      actor,
      action: ErasureAction,
      selection: { customerId, ...(note ? { note } : {}) },
      dryRun: false,
    });
    if (begun.replayed) return erasureResponse(begun.action, customerId, true);
    try {
      const result = await this.dataSource.transaction(async (manager) => {
        const applications = await this.store.applicationsOf(manager, customerId, true);
        const erased = await this.eraseApplications(
          manager,
          applications.map((a) => ({ id: a.id, customerId })),
          'customer-request',
          actor,
          new Date(),
        );
        return { applications: applications.length, erased: erased.length };
      });
      await this.audit.finish(begun.action.id, 'succeeded', result);
    } catch (error) {
      await this.audit.finish(begun.action.id, 'failed', {}, (error as Error).message);
      throw error;
    }
    const finished = (await this.audit.get(begun.action.id)) ?? begun.action;
    return erasureResponse(finished, customerId, false);
  }

  /**
   * Erases these applications' personal data in the caller's transaction and announces each
   * erasure (application.personal-data-erased). Returns the applications erased now.
   */
  async eraseApplications(
    manager: EntityManager,
    applications: readonly { id: string; customerId: string }[],
    reason: ErasureReason,
    actor: string,
    at: Date,
  ): Promise<string[]> {
    const erasure: Erasure = {
      erasureId: randomUUID(),
      reason,
      actor,
      erasedAt: at.toISOString(),
    };
    const erased = await this.store.erase(manager, applications, erasure);
    const customerOf = new Map(applications.map((a) => [a.id, a.customerId]));
    for (const applicationId of erased) {
      const payload: PersonalDataErasedV1Payload = {
        applicationId,
        customerId: customerOf.get(applicationId)!,
        ...erasure,
      };
      await this.outbox.append(manager, {
        definition: PersonalDataErasedV1,
        key: applicationId,
        payload,
        cause: { source: 'erasure', id: `${erasure.erasureId}/${applicationId}` },
      });
    }
    return erased;
  }

  /** An erasure read back from the changelog (a rebuild, a restore): applied again, not announced. */
  async applyErased(manager: EntityManager, event: PersonalDataErasedV1Payload): Promise<void> {
    const { applicationId, customerId, ...erasure } = event;
    await this.store.erase(manager, [{ id: applicationId, customerId }], erasure);
  }

  /** An application from its changelog record (a rebuild); one erased before stays erased. */
  async restore(manager: EntityManager, record: ApplicationRecordedV1Payload): Promise<void> {
    await this.applications.insert(manager, applicationOfRecord(record));
    const erasure = await this.store.erasureOf(manager, record.applicationId);
    if (erasure)
      await this.store.erase(
        manager,
        [{ id: record.applicationId, customerId: erasure.customer_id }],
        {
          erasureId: erasure.erasure_id,
          reason: erasure.reason,
          actor: erasure.actor,
          erasedAt: erasure.erased_at,
        },
      );
  }

  private accessEntry(
    row: PersonalApplicationRow,
    wrappedKey: string | undefined,
    erasure: ErasureRow | undefined,
  ) {
    let personal: Partial<Record<Field, string>> = {};
    let problem: string | undefined;
    if (!erasure) {
      try {
        personal = this.open(row, wrappedKey);
      } catch (error) {
        if (!(error instanceof PiiCipherError)) throw error;
        problem = `${error.code}: ${error.message}`;
      }
    }
    const state: PersonalDataState = personalDataState(
      erasure && { erasedAt: erasure.erased_at, reason: erasure.reason },
      problem,
    );
    return {
      ...applicationView(row),
      consent: row.consent_purposes && {
        purposes: row.consent_purposes,
        textVersion: row.consent_text_version,
        consentedAt: row.consented_at,
      },
      personalData: state.status === 'available' ? { ...state, ...personal } : state,
    };
  }

  private open(row: PersonalApplicationRow, wrappedKey: string | undefined): SealedFields {
    const dataKey = wrappedKey === undefined ? undefined : this.envelope.unwrap(wrappedKey, row.id);
    const stored: SealedFields = {
      name: row.name_encrypted,
      nationalId: row.national_id_encrypted,
      phone: row.phone_encrypted,
    };
    return Object.fromEntries(
      Fields.map((field) => [
        field,
        this.envelope.open(stored[field], personalDataContext(row.id, field), dataKey),
      ]),
    ) as unknown as SealedFields;
  }
}

function notFound(customerId: string): PersonalDataError {
  return new PersonalDataError(
    'PERSONAL_DATA.CUSTOMER_NOT_FOUND',
    `no application of customer ${customerId}`,
    'not-found',
  );
}

function erasureView(row: ErasureRow) {
  return {
    applicationId: row.application_id,
    erasureId: row.erasure_id,
    reason: row.reason,
    actor: row.actor,
    erasedAt: row.erased_at,
  };
}

function erasureResponse(
  action: AdminAction,
  customerId: string,
  replayed: boolean,
): ErasureResponse {
  return {
    actionId: action.id,
    customerId,
    status: action.status,
    replayed,
    result: action.result,
  };
}
