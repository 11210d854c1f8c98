import type { EntityManager } from 'typeorm';
import type { ConsentPurpose, ErasureReason } from '../domain/personal-data';
import {
  ApplicationColumns,
  type ApplicationRow,
  CreditLineColumns,
  type CreditLineRow,
} from './application-store';

/** The sealed fields of an application, as stored. */
export interface SealedFields {
  name: string;
  nationalId: string;
  phone: string;
}

/** An application with what the access document adds: the sealed fields and the consent. */
export interface PersonalApplicationRow extends ApplicationRow {
  name_encrypted: string;
  national_id_encrypted: string;
  phone_encrypted: string;
  consent_purposes: ConsentPurpose[] | null;
  consent_text_version: string | null;
  consented_at: string | null;
}

export interface DataKeyRow {
  application_id: string;
  customer_id: string;
  kek_id: string;
  wrapped_key: string;
}

export interface ErasureRow {
  application_id: string;
  customer_id: string;
  erasure_id: string;
  reason: ErasureReason;
  actor: string;
  erased_at: string;
}

export interface Erasure {
  readonly erasureId: string;
  readonly reason: ErasureReason;
  readonly actor: string;
  readonly erasedAt: string;
}

export interface RotationRow {
  id: string;
  active_key_id: string;
  cursor: string | null;
  total: number;
  done: number;
  rewrapped: number;
  resealed: number;
  skipped: number;
  status: 'running' | 'finished';
  started_by: string;
  started_at: string;
  updated_at: string;
  finished_at: string | null;
}

/** What the rotation reads of one application: its sealed fields and its data key. */
export interface RotationItem {
  id: string;
  customer_id: string;
  name_encrypted: string;
  national_id_encrypted: string;
  phone_encrypted: string;
  erased: boolean;
  kek_id: string | null;
  wrapped_key: string | null;
}

const iso = (column: string, as = column) =>
  `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS ${as}`;
const PersonalColumns = `${ApplicationColumns}, name_encrypted, national_id_encrypted,
  phone_encrypted, consent_purposes, consent_text_version, ${iso('consented_at')}`;
const ErasureColumns = `application_id::text, customer_id, erasure_id::text, reason, actor,
  ${iso('erased_at')}`;
const RotationColumns = `id::text, active_key_id, cursor::text, total, done, rewrapped, resealed,
  skipped, status, started_by, ${iso('started_at')}, ${iso('updated_at')}, ${iso('finished_at')}`;

/** The value a sealed column holds once its personal data is erased. */
export const ErasedMarker = 'erased';

/** Data keys, erasures and rotations of personal data, with raw SQL. */
export class PersonalDataStore {
  async insertDataKey(
    manager: EntityManager,
    key: { applicationId: string; customerId: string; kekId: string; wrappedKey: string },
  ): Promise<void> {
    await manager.query(
      `INSERT INTO application_data_keys (application_id, customer_id, kek_id, wrapped_key)
       VALUES ($1, $2, $3, $4)`,
      [key.applicationId, key.customerId, key.kekId, key.wrappedKey],
    );
  }

  async dataKeys(manager: EntityManager, applicationIds: string[]): Promise<DataKeyRow[]> {
    return manager.query<DataKeyRow[]>(
      `SELECT application_id::text, customer_id, kek_id, wrapped_key FROM application_data_keys
        WHERE application_id = ANY($1::uuid[])`,
      [applicationIds],
    );
  }

  /** A customer's applications, oldest first; `lock` locks them (an erasure). */
  async applicationsOf(
    manager: EntityManager,
    customerId: string,
    lock = false,
  ): Promise<PersonalApplicationRow[]> {
    return manager.query<PersonalApplicationRow[]>(
      `SELECT ${PersonalColumns} FROM applications WHERE customer_id = $1
        ORDER BY submitted_at, id ${lock ? 'FOR UPDATE' : ''}`,
      [customerId],
    );
  }

  async linesOf(manager: EntityManager, customerId: string): Promise<CreditLineRow[]> {
    return manager.query<CreditLineRow[]>(
      `SELECT ${CreditLineColumns} FROM credit_lines WHERE customer_id = $1 ORDER BY opened_at, id`,
      [customerId],
    );
  }

  async erasuresOf(manager: EntityManager, customerId: string): Promise<ErasureRow[]> {
    return manager.query<ErasureRow[]>(
      `SELECT ${ErasureColumns} FROM personal_data_erasures WHERE customer_id = $1
        ORDER BY erased_at, application_id`,
      [customerId],
    );
  }

  /**
   * Erases the personal data of these applications: destroys their data keys, overwrites the
   * sealed columns (a v1 value opens with a master key: it must go too) and records the erasure.
   * Returns the applications erased now (not before). The applications need not exist yet (a
   * rebuild may replay an erasure before the record it erases): the erasure row waits for it.
   */
  async erase(
    manager: EntityManager,
    applications: readonly { id: string; customerId: string }[],
    erasure: Erasure,
  ): Promise<string[]> {
    if (applications.length === 0) return [];
    const ids = applications.map((a) => a.id);
    await manager.query(
      `DELETE FROM application_data_keys WHERE application_id = ANY($1::uuid[])`,
      [ids],
    );
    await manager.query(
      `UPDATE applications SET name_encrypted = $2, national_id_encrypted = $2, phone_encrypted = $2
        WHERE id = ANY($1::uuid[]) AND name_encrypted <> $2`,
      [ids, ErasedMarker],
    );
    const inserted = await manager.query<{ application_id: string }[]>(
      `INSERT INTO personal_data_erasures (application_id, customer_id, erasure_id, reason, actor, erased_at)
       SELECT a.id, a.customer_id, $3, $4, $5, $6
         FROM unnest($1::uuid[], $2::text[]) AS a (id, customer_id)
       ON CONFLICT (application_id) DO NOTHING
       RETURNING application_id::text`,
      [
        ids,
        applications.map((a) => a.customerId),
        erasure.erasureId,
        erasure.reason,
        erasure.actor,
        erasure.erasedAt,
      ],
    );
    return inserted.map((row) => row.application_id);
  }

  /** The erasure of one application, if any (a changelog record must not bring it back). */
  async erasureOf(manager: EntityManager, applicationId: string): Promise<ErasureRow | undefined> {
    const [row] = await manager.query<ErasureRow[]>(
      `SELECT ${ErasureColumns} FROM personal_data_erasures WHERE application_id = $1`,
      [applicationId],
    );
    return row;
  }

  /**
   * Declined applications decided before `cutoff` whose personal data is still there, oldest
   * first, locked (another instance's sweep skips them).
   */
  async declinedBefore(
    manager: EntityManager,
    cutoff: Date,
    limit: number,
  ): Promise<{ id: string; customerId: string }[]> {
    const rows = await manager.query<{ id: string; customer_id: string }[]>(
      `SELECT a.id::text, a.customer_id FROM applications a
        WHERE a.status = 'declined' AND a.decided_at < $1
          AND NOT EXISTS (SELECT 1 FROM personal_data_erasures e WHERE e.application_id = a.id)
        ORDER BY a.decided_at, a.id
        LIMIT $2
        FOR UPDATE OF a SKIP LOCKED`,
      [cutoff.toISOString(), limit],
    );
    return rows.map((row) => ({ id: row.id, customerId: row.customer_id }));
  }

  // --- rotation -------------------------------------------------------------------------------

  async runningRotation(manager: EntityManager): Promise<RotationRow | undefined> {
    const [row] = await manager.query<RotationRow[]>(
      `SELECT ${RotationColumns} FROM pii_rotations WHERE status = 'running' FOR UPDATE`,
    );
    return row;
  }

  async lastRotation(manager: EntityManager): Promise<RotationRow | undefined> {
    const [row] = await manager.query<RotationRow[]>(
      `SELECT ${RotationColumns} FROM pii_rotations ORDER BY started_at DESC, id LIMIT 1`,
    );
    return row;
  }

  async startRotation(
    manager: EntityManager,
    rotation: { id: string; activeKeyId: string; startedBy: string },
  ): Promise<RotationRow> {
    const [row] = await manager.query<RotationRow[]>(
      `INSERT INTO pii_rotations (id, active_key_id, total, status, started_by)
       VALUES ($1, $2, (SELECT count(*)::int FROM applications), 'running', $3)
       RETURNING ${RotationColumns}`,
      [rotation.id, rotation.activeKeyId, rotation.startedBy],
    );
    return row!;
  }

  /** The next applications after `cursor` in id order (keyset), locked, with their data keys. */
  async rotationBatch(
    manager: EntityManager,
    cursor: string | null,
    limit: number,
  ): Promise<RotationItem[]> {
    return manager.query<RotationItem[]>(
      `SELECT a.id::text, a.customer_id, a.name_encrypted, a.national_id_encrypted, a.phone_encrypted,
              EXISTS (SELECT 1 FROM personal_data_erasures e WHERE e.application_id = a.id) AS erased,
              k.kek_id, k.wrapped_key
         FROM applications a LEFT JOIN application_data_keys k ON k.application_id = a.id
        WHERE $1::uuid IS NULL OR a.id > $1::uuid
        ORDER BY a.id
        LIMIT $2
        FOR UPDATE OF a`,
      [cursor, limit],
    );
  }

  async reseal(manager: EntityManager, applicationId: string, fields: SealedFields): Promise<void> {
    await manager.query(
      `UPDATE applications SET name_encrypted = $2, national_id_encrypted = $3, phone_encrypted = $4
        WHERE id = $1`,
      [applicationId, fields.name, fields.nationalId, fields.phone],
    );
  }

  async rewrap(
    manager: EntityManager,
    applicationId: string,
    kekId: string,
    wrappedKey: string,
  ): Promise<void> {
    await manager.query(
      `UPDATE application_data_keys SET kek_id = $2, wrapped_key = $3 WHERE application_id = $1`,
      [applicationId, kekId, wrappedKey],
    );
  }

  async advanceRotation(
    manager: EntityManager,
    id: string,
    step: {
      cursor: string | null;
      done: number;
      rewrapped: number;
      resealed: number;
      skipped: number;
      finished: boolean;
    },
  ): Promise<RotationRow> {
    const [row] = await manager.query<RotationRow[]>(
      // A SELECT over the UPDATE: TypeORM answers an UPDATE with [rows, count], a SELECT with rows.
      `WITH advanced AS (
         UPDATE pii_rotations SET cursor = $2, done = done + $3, rewrapped = rewrapped + $4,
                resealed = resealed + $5, skipped = skipped + $6, updated_at = now(),
                total = GREATEST(total, done + $3),
                status = CASE WHEN $7 THEN 'finished' ELSE 'running' END,
                finished_at = CASE WHEN $7 THEN now() END
          WHERE id = $1
          RETURNING *)
       SELECT ${RotationColumns} FROM advanced`,
      [id, step.cursor, step.done, step.rewrapped, step.resealed, step.skipped, step.finished],
    );
    return row!;
  }

  /** The master keys something still needs: data keys wrapped by them, values sealed by them. */
  async masterKeysInUse(manager: EntityManager): Promise<string[]> {
    const rows = await manager.query<{ key_id: string }[]>(
      `SELECT kek_id AS key_id FROM application_data_keys
       UNION
       SELECT split_part(v, ':', 2) FROM applications,
              unnest(ARRAY[name_encrypted, national_id_encrypted, phone_encrypted]) AS v
        WHERE v LIKE 'v1:%'`,
    );
    return rows.map((row) => row.key_id).sort();
  }
}
