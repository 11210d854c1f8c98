import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { DataSource, type EntityManager } from 'typeorm';
import { AdminAudit } from '@credit/messaging';
import { LOGGER } from '@credit/platform';
import { PersonalDataError } from '../domain/personal-data';
import {
  PersonalDataStore,
  type RotationItem,
  type RotationRow,
  type SealedFields,
} from '../infrastructure/personal-data-store';
import { EnvelopeCipher, sealedVersionOf } from './envelope-cipher';
import { personalDataContext } from './personal-data.service';
import { PiiCipherError } from './pii-cipher';

export const RotationAction = 'personal-data.rotate';

export interface RotationProgress {
  rotationId: string;
  activeKeyId: string;
  status: 'running' | 'finished';
  total: number;
  done: number;
  rewrapped: number;
  resealed: number;
  skipped: number;
  startedBy: string;
  startedAt: string;
  updatedAt: string;
  finishedAt: string | null;
  keysInUse: string[];
  retirableKeyIds: string[];
}

type Outcome = 'rewrapped' | 'resealed' | 'both' | 'unchanged' | 'skipped';

/**
 * Key rotation: re-encrypts every sealed value under the active master key, one batch per call,
 * in application id order (keyset). The cursor and the batch's writes commit in one transaction,
 * so a crash loses nothing and the next call resumes where the last one committed; concurrent
 * calls take turns on the rotation row. Per application: its data key is wrapped again by the
 * active key, and values still sealed directly by a master key (v1) move onto a data key of
 * their own (v2). Erased applications are skipped; so are values that do not open (their key
 * retired too early, or missing from a restored database), each logged.
 */
@Injectable()
export class KeyRotationService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly store: PersonalDataStore,
    private readonly envelope: EnvelopeCipher,
    private readonly audit: AdminAudit,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** One batch, audited; the same Idempotency-Key answers the first call's progress. */
  async step(
    idempotencyKey: string,
    actor: string,
    batchSize: number,
  ): Promise<{ progress: RotationProgress; replayed: boolean }> {
    const begun = await this.audit.begin({
      idempotencyKey,
      actor,
      action: RotationAction,
      selection: { batchSize, activeKeyId: this.envelope.master.activeKeyId },
      dryRun: false,
    });
    if (begun.replayed)
      return { progress: begun.action.result as unknown as RotationProgress, replayed: true };
    try {
      const progress = await this.batch(actor, batchSize);
      await this.audit.finish(begun.action.id, 'succeeded', { ...progress });
      return { progress, replayed: false };
    } catch (error) {
      await this.audit.finish(begun.action.id, 'failed', {}, (error as Error).message);
      throw error;
    }
  }

  async latest(): Promise<RotationProgress> {
    const row = await this.store.lastRotation(this.dataSource.manager);
    if (!row)
      throw new PersonalDataError('PERSONAL_DATA.NO_ROTATION', 'no rotation has run', 'not-found');
    return this.progressOf(this.dataSource.manager, row);
  }

  /** The next batch of the running rotation (one is started when none runs for the active key). */
  async batch(actor: string, batchSize: number): Promise<RotationProgress> {
    const activeKeyId = this.envelope.master.activeKeyId;
    return this.dataSource.transaction(async (manager) => {
      let rotation = await this.store.runningRotation(manager);
      if (rotation && rotation.active_key_id !== activeKeyId) {
        // The active key changed midway: that rotation is over, a new one starts from the top.
        await this.store.advanceRotation(manager, rotation.id, finishedStep(rotation.cursor));
        rotation = undefined;
      }
      rotation ??= await this.store.startRotation(manager, {
        id: randomUUID(),
        activeKeyId,
        startedBy: actor,
      });
      const items = await this.store.rotationBatch(manager, rotation.cursor, batchSize);
      const counts = { rewrapped: 0, resealed: 0, skipped: 0 };
      for (const item of items) {
        const outcome = await this.rotate(manager, item);
        if (outcome === 'rewrapped' || outcome === 'both') counts.rewrapped++;
        if (outcome === 'resealed' || outcome === 'both') counts.resealed++;
        if (outcome === 'skipped') counts.skipped++;
      }
      const advanced = await this.store.advanceRotation(manager, rotation.id, {
        cursor: items.at(-1)?.id ?? rotation.cursor,
        done: items.length,
        ...counts,
        finished: items.length < batchSize,
      });
      return this.progressOf(manager, advanced);
    });
  }

  private async rotate(manager: EntityManager, item: RotationItem): Promise<Outcome> {
    if (item.erased) return 'skipped';
    const active = this.envelope.master.activeKeyId;
    const stored: SealedFields = {
      name: item.name_encrypted,
      nationalId: item.national_id_encrypted,
      phone: item.phone_encrypted,
    };
    const fields = Object.entries(stored) as [keyof SealedFields, string][];
    try {
      const legacy = fields.some(([, value]) => sealedVersionOf(value) === 'v1');
      let dataKey = item.wrapped_key ? this.envelope.unwrap(item.wrapped_key, item.id) : undefined;
      let rewrapped = false;
      if (dataKey && item.kek_id !== active) {
        await this.store.rewrap(manager, item.id, active, this.envelope.wrap(dataKey, item.id));
        rewrapped = true;
      }
      if (!legacy) {
        if (!dataKey) throw new PiiCipherError('PII.NO_DATA_KEY', 'the data key is missing');
        return rewrapped ? 'rewrapped' : 'unchanged';
      }
      if (!dataKey) {
        dataKey = this.envelope.newDataKey();
        await this.store.insertDataKey(manager, {
          applicationId: item.id,
          customerId: item.customer_id,
          kekId: active,
          wrappedKey: this.envelope.wrap(dataKey, item.id),
        });
      }
      const key = dataKey;
      const resealed = Object.fromEntries(
        fields.map(([field, value]) => {
          const context = personalDataContext(item.id, field);
          return [field, this.envelope.seal(key, this.envelope.open(value, context, key), context)];
        }),
      ) as unknown as SealedFields;
      await this.store.reseal(manager, item.id, resealed);
      return rewrapped ? 'both' : 'resealed';
    } catch (error) {
      if (!(error instanceof PiiCipherError)) throw error;
      this.logger.warn(
        { applicationId: item.id, code: error.code },
        `key rotation: application ${item.id} skipped: ${error.message}`,
      );
      return 'skipped';
    }
  }

  private async progressOf(manager: EntityManager, row: RotationRow): Promise<RotationProgress> {
    const keysInUse = await this.store.masterKeysInUse(manager);
    return {
      rotationId: row.id,
      activeKeyId: row.active_key_id,
      status: row.status,
      total: row.total,
      done: row.done,
      rewrapped: row.rewrapped,
      resealed: row.resealed,
      skipped: row.skipped,
      startedBy: row.started_by,
      startedAt: row.started_at,
      updatedAt: row.updated_at,
      finishedAt: row.finished_at,
      keysInUse,
      retirableKeyIds:
        row.status === 'finished'
          ? this.envelope.master.keyIds.filter(
              (id) => id !== row.active_key_id && !keysInUse.includes(id),
            )
          : [],
    };
  }
}

const finishedStep = (cursor: string | null) => ({
  cursor,
  done: 0,
  rewrapped: 0,
  resealed: 0,
  skipped: 0,
  finished: true,
});
