import type { EntityManager } from 'typeorm';
import type { ApplicationDecidedV1Payload } from '@credit/contracts';
import type { Money } from '@credit/money';
import type { Reason } from '../domain/decide';
import { type DecisionRow, DecisionColumns } from './decision-store';

export interface ResolutionRow {
  application_id: string;
  idempotency_key: string;
  request_hash: string;
  resolution: 'approved' | 'declined';
  operator: string;
  api_actor: string;
  reason_code: string | null;
  note: string | null;
  granted_amount: string | null;
  price_tier: string | null;
  referred_event_id: string;
  referred_at: string;
  decided_event_id: string;
  resolved_at: string;
}

export interface NewResolution {
  applicationId: string;
  idempotencyKey: string;
  requestHash: string;
  resolution: 'approved' | 'declined';
  operator: string;
  apiActor: string;
  reasonCode: string | null;
  note: string | null;
  grantedAmount: Money | null;
  priceTier: string | null;
  referredEventId: string;
  referredAt: string;
  decidedEventId: string;
  resolvedAt: string;
}

/** The decision a resolution writes over the referral (the model's figures stay). */
export interface ResolvedDecision {
  applicationId: string;
  decision: 'approved' | 'declined';
  lineId: string | null;
  grantedAmount: Money | null;
  priceTier: string | null;
  reasons: readonly Reason[];
  outcome: ApplicationDecidedV1Payload;
  decidedEventId: string;
  decidedAt: string;
}

const ResolutionColumns = `application_id, idempotency_key, request_hash, resolution, operator, api_actor,
  reason_code, note, granted_amount::text AS granted_amount, price_tier, referred_event_id,
  to_char(referred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS referred_at, decided_event_id,
  to_char(resolved_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS resolved_at`;

/** The referral queue's SQL: referred decisions, their resolutions (the audit) and the update. */
export class ReferralStore {
  /** The decision row, locked until the transaction ends (one resolution at a time). */
  async lockDecision(
    manager: EntityManager,
    applicationId: string,
  ): Promise<DecisionRow | undefined> {
    const [row] = await manager.query<DecisionRow[]>(
      `SELECT ${DecisionColumns} FROM decisions WHERE application_id = $1 FOR UPDATE`,
      [applicationId],
    );
    return row;
  }

  /** Serialises the requests of one idempotency key until the transaction ends. */
  async lockKey(manager: EntityManager, idempotencyKey: string): Promise<void> {
    await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [
      `scoring:referral-key:${idempotencyKey}`,
    ]);
  }

  async byKey(manager: EntityManager, idempotencyKey: string): Promise<ResolutionRow | undefined> {
    const [row] = await manager.query<ResolutionRow[]>(
      `SELECT ${ResolutionColumns} FROM referral_resolutions WHERE idempotency_key = $1`,
      [idempotencyKey],
    );
    return row;
  }

  async byApplication(
    manager: EntityManager,
    applicationIds: readonly string[],
  ): Promise<Map<string, ResolutionRow>> {
    if (applicationIds.length === 0) return new Map();
    const rows = await manager.query<ResolutionRow[]>(
      `SELECT ${ResolutionColumns} FROM referral_resolutions WHERE application_id = ANY($1::text[])`,
      [applicationIds],
    );
    return new Map(rows.map((row) => [row.application_id, row]));
  }

  /**
   * A page of the queue, oldest first: `pending` the referrals still waiting, `resolved` those an
   * operator decided (by resolution time). The cursor is the last row's (time, application id).
   */
  async list(
    manager: EntityManager,
    status: 'pending' | 'resolved',
    after: { at: string; applicationId: string } | null,
    limit: number,
  ): Promise<DecisionRow[]> {
    if (status === 'pending') {
      return manager.query<DecisionRow[]>(
        `SELECT ${DecisionColumns} FROM decisions
          WHERE decision = 'referred'
            AND ($1::timestamptz IS NULL OR (decided_at, application_id) > ($1::timestamptz, $2::text))
          ORDER BY decided_at, application_id LIMIT $3`,
        [after?.at ?? null, after?.applicationId ?? '', limit],
      );
    }
    return manager.query<DecisionRow[]>(
      `SELECT ${DecisionColumns}
         FROM (SELECT d.*, r.resolved_at FROM decisions d
                 JOIN referral_resolutions r ON r.application_id = d.application_id
                WHERE ($1::timestamptz IS NULL OR (r.resolved_at, d.application_id) > ($1::timestamptz, $2::text))
                ORDER BY r.resolved_at, d.application_id LIMIT $3) AS decisions
        ORDER BY resolved_at, application_id`,
      [after?.at ?? null, after?.applicationId ?? '', limit],
    );
  }

  async insertResolution(manager: EntityManager, r: NewResolution): Promise<void> {
    await manager.query(
      `INSERT INTO referral_resolutions (application_id, idempotency_key, request_hash, resolution, operator, api_actor,
                                         reason_code, note, granted_amount, price_tier, referred_event_id, referred_at,
                                         decided_event_id, resolved_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
      [
        r.applicationId,
        r.idempotencyKey,
        r.requestHash,
        r.resolution,
        r.operator,
        r.apiActor,
        r.reasonCode,
        r.note,
        r.grantedAmount?.toString() ?? null,
        r.priceTier,
        r.referredEventId,
        r.referredAt,
        r.decidedEventId,
        r.resolvedAt,
      ],
    );
  }

  /** The referral becomes the operator's decision: what later decisions check exposure against. */
  async resolveDecision(manager: EntityManager, d: ResolvedDecision): Promise<void> {
    await manager.query(
      `UPDATE decisions SET decision = $2, line_id = coalesce($3, line_id), granted_amount = $4, price_tier = $5,
              reasons = $6, outcome = $7, decided_event_id = $8, decided_at = $9
        WHERE application_id = $1 AND decision = 'referred'`,
      [
        d.applicationId,
        d.decision,
        d.lineId,
        d.grantedAmount?.toString() ?? null,
        d.priceTier,
        JSON.stringify(d.reasons),
        JSON.stringify(d.outcome),
        d.decidedEventId,
        d.decidedAt,
      ],
    );
  }
}
