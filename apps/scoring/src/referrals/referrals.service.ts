import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { DataSource, type EntityManager } from 'typeorm';
import { ApplicationDecidedV1 } from '@credit/contracts';
import { invariant, replayOrConflict, requestHash } from '@credit/kernel';
import { OutboxWriter, derivedEventId } from '@credit/messaging';
import { Money } from '@credit/money';
import { LOGGER, PLATFORM_CONFIG } from '@credit/platform';
import { type ScoringConfig, policyLimitsOf } from '../config/env';
import { decidedPayload, lineIdFor } from '../decide-application/decide-application.service';
import { type DecisionView, decisionView } from '../decisions/decision-view';
import { creditRequestOf, requestedAmount } from '../domain/credit-request';
import { ReferralError, approvalTerms, assertPending, declineReasons } from '../domain/referral';
import type { PolicyLimits } from '../domain/rules';
import { type DecisionRow, DecisionStore } from '../infrastructure/decision-store';
import { type ResolutionRow, ReferralStore } from '../infrastructure/referral-store';
import type { ApproveReferralRequest, DeclineReferralRequest } from '@credit/api';

/** Source name of the decisions a resolution publishes (part of their derived event ids). */
export const ReferralEventSource = 'scoring.referral-resolution';

export interface ResolutionView {
  resolution: 'approved' | 'declined';
  operator: string;
  apiActor: string;
  reasonCode: string | null;
  note: string | null;
  grantedAmount: { amount: string; currency: string } | null;
  priceTier: string | null;
  referredEventId: string;
  referredAt: string;
  decidedEventId: string;
  resolvedAt: string;
  idempotencyKey: string;
}

export interface ReferralView {
  applicationId: string;
  status: 'pending' | 'approved' | 'declined';
  /** The decision record: the model's figures, and once resolved the operator's decision. */
  decision: DecisionView;
  /** The audit record of the resolution; null while pending. */
  resolution: ResolutionView | null;
}

type Request =
  | { action: 'approve'; dto: ApproveReferralRequest }
  | { action: 'decline'; dto: DeclineReferralRequest };

/**
 * The operator's queue of referred applications. A resolution locks the decision, checks it is
 * still a referral and the operator's terms against policy, then in one transaction writes the
 * operator's decision over the referral, the audit record (who, when, why, the caller's key) and
 * application.decided to the outbox: from there it flows like any automatic decision (the
 * application records it, an approved line opens in the ledger, an approved draw is paid out).
 */
@Injectable()
export class ReferralsService {
  private readonly limits: PolicyLimits;

  constructor(
    private readonly dataSource: DataSource,
    private readonly decisions: DecisionStore,
    private readonly store: ReferralStore,
    private readonly outbox: OutboxWriter,
    @Inject(PLATFORM_CONFIG) config: ScoringConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.limits = policyLimitsOf(config);
  }

  async list(
    status: 'pending' | 'resolved',
    cursor: string | undefined,
    limit: number,
  ): Promise<{ referrals: ReferralView[]; nextCursor: string | null }> {
    const manager = this.dataSource.manager;
    const rows = await this.store.list(
      manager,
      status,
      cursor ? decodeCursor(cursor) : null,
      limit + 1,
    );
    const page = rows.slice(0, limit);
    const resolutions = await this.store.byApplication(
      manager,
      page.map((row) => row.application_id),
    );
    const referrals = page.map((row) => view(row, resolutions.get(row.application_id)));
    const last = page.at(-1);
    const lastAt = last
      ? status === 'pending'
        ? last.decided_at
        : resolutions.get(last.application_id)?.resolved_at
      : undefined;
    return {
      referrals,
      nextCursor:
        rows.length > limit && last && lastAt ? encodeCursor(lastAt, last.application_id) : null,
    };
  }

  async get(applicationId: string): Promise<ReferralView> {
    const manager = this.dataSource.manager;
    const [row, resolutions] = await Promise.all([
      this.decisions.find(manager, applicationId),
      this.store.byApplication(manager, [applicationId]),
    ]);
    const resolution = resolutions.get(applicationId);
    if (!row || (row.decision !== 'referred' && !resolution)) {
      throw new ReferralError(
        'REFERRAL.NOT_FOUND',
        `application ${applicationId} was not referred`,
        {
          applicationId,
        },
      );
    }
    return view(row, resolution);
  }

  approve(
    applicationId: string,
    idempotencyKey: string,
    dto: ApproveReferralRequest,
    apiActor: string,
  ): Promise<{ referral: ReferralView; replayed: boolean }> {
    return this.resolve(applicationId, idempotencyKey, { action: 'approve', dto }, apiActor);
  }

  decline(
    applicationId: string,
    idempotencyKey: string,
    dto: DeclineReferralRequest,
    apiActor: string,
  ): Promise<{ referral: ReferralView; replayed: boolean }> {
    return this.resolve(applicationId, idempotencyKey, { action: 'decline', dto }, apiActor);
  }

  private async resolve(
    applicationId: string,
    idempotencyKey: string,
    request: Request,
    apiActor: string,
  ): Promise<{ referral: ReferralView; replayed: boolean }> {
    const content = [
      request.action,
      applicationId,
      request.dto.operator,
      request.dto.note ?? null,
      request.action === 'approve' ? (request.dto.limit ?? null) : null,
      request.action === 'approve' ? request.dto.priceTier : request.dto.reasonCode,
    ];
    const hash = requestHash(content);
    return this.dataSource.transaction(async (manager) => {
      // One request per key at a time, then one resolution per application at a time.
      await this.store.lockKey(manager, idempotencyKey);
      const previous = await this.store.byKey(manager, idempotencyKey);
      if (previous) {
        // Scalars only: the canonical hash equals the JSON.stringify one stored before.
        replayOrConflict(
          idempotencyKey,
          { id: `application ${previous.application_id}`, requestHash: previous.request_hash },
          hash,
          {
            code: 'REFERRAL.IDEMPOTENCY_CONFLICT',
            resource: 'another resolution',
            details: { field: 'Idempotency-Key' },
          },
        );
        const row = await this.decisions.find(manager, previous.application_id);
        invariant(row, `resolution without its decision: ${previous.application_id}`);
        return { referral: view(row, previous), replayed: true };
      }
      const row = await this.store.lockDecision(manager, applicationId);
      if (!row) {
        throw new ReferralError(
          'REFERRAL.NOT_FOUND',
          `no decision for application ${applicationId}`,
          {
            applicationId,
          },
        );
      }
      assertPending(applicationId, row.decision);
      const resolved = await this.apply(manager, row, idempotencyKey, hash, request, apiActor);
      return { referral: resolved, replayed: false };
    });
  }

  private async apply(
    manager: EntityManager,
    row: DecisionRow,
    idempotencyKey: string,
    requestHash: string,
    request: Request,
    apiActor: string,
  ): Promise<ReferralView> {
    const submitted = row.inputs;
    const creditRequest = creditRequestOf(submitted);
    const currency = requestedAmount(creditRequest.requested).currency;
    const resolvedAt = new Date().toISOString();
    const base = {
      modelVersion: row.model_version,
      score: row.score,
      pd: row.pd,
      rulesFired: row.rules_fired,
    };
    let decision: Parameters<typeof decidedPayload>[1];
    let grantedAmount: Money | null = null;
    let priceTier: string | null = null;
    let lineId: string | null = null;
    if (request.action === 'approve') {
      // Exposure and the line are checked as they stand now, under the customer's lock.
      await this.decisions.lockCustomer(manager, row.customer_id);
      const history = await this.decisions.history(
        manager,
        row.customer_id,
        row.submitted_on,
        currency,
        submitted.draw?.lineId ?? null,
      );
      const terms = approvalTerms(creditRequest, history, this.limits, {
        limit: request.dto.limit ?? null,
        priceTier: request.dto.priceTier,
      });
      decision = { ...base, decision: 'approved', reasons: row.reasons, ...terms };
      priceTier = terms.priceTier;
      grantedAmount =
        terms.creditLine?.limit ??
        (creditRequest.requested.kind === 'draw' ? creditRequest.requested.amount : null);
      lineId = terms.creditLine ? lineIdFor(row.application_id) : null;
    } else {
      const reasons = declineReasons(request.dto.reasonCode, row.reasons);
      decision = { ...base, decision: 'declined', reasons, creditLine: null, draw: null };
    }
    const outcome = decidedPayload(submitted, decision, resolvedAt);
    // Derived from the referral it resolves: publishing it again (a rebuild) gives the same id.
    const decidedEventId = derivedEventId(
      ReferralEventSource,
      row.decided_event_id,
      ApplicationDecidedV1.type,
      row.application_id,
      1,
    );
    await this.store.resolveDecision(manager, {
      applicationId: row.application_id,
      decision: decision.decision === 'approved' ? 'approved' : 'declined',
      lineId,
      grantedAmount,
      priceTier,
      reasons: decision.reasons,
      outcome,
      decidedEventId,
      decidedAt: resolvedAt,
    });
    // The line's exposure moves as for an automatic approval, under the line lock history() took.
    if (request.action === 'approve' && lineId && grantedAmount) {
      await this.decisions.openLine(manager, lineId, row.customer_id, grantedAmount);
    } else if (request.action === 'approve' && submitted.draw && grantedAmount) {
      await this.decisions.reserveDraw(
        manager,
        submitted.draw.lineId,
        row.application_id,
        grantedAmount,
      );
    }
    await this.store.insertResolution(manager, {
      applicationId: row.application_id,
      idempotencyKey,
      requestHash,
      resolution: decision.decision === 'approved' ? 'approved' : 'declined',
      operator: request.dto.operator,
      apiActor,
      reasonCode: request.action === 'decline' ? request.dto.reasonCode : null,
      note: request.dto.note ?? null,
      grantedAmount,
      priceTier,
      referredEventId: row.decided_event_id,
      referredAt: row.decided_at,
      decidedEventId,
      resolvedAt,
    });
    await this.outbox.append(manager, {
      definition: ApplicationDecidedV1,
      key: row.application_id,
      payload: outcome,
      eventId: decidedEventId,
      causationId: row.decided_event_id,
    });
    this.logger.info(
      {
        applicationId: row.application_id,
        resolution: decision.decision,
        operator: request.dto.operator,
        apiActor,
      },
      'referral resolved',
    );
    const updated = await this.decisions.find(manager, row.application_id);
    const [resolution] = (await this.store.byApplication(manager, [row.application_id])).values();
    if (!updated || !resolution) throw new Error('the resolution was just written');
    return view(updated, resolution);
  }
}

function view(row: DecisionRow, resolution: ResolutionRow | undefined): ReferralView {
  return {
    applicationId: row.application_id,
    status: resolution ? resolution.resolution : 'pending',
    decision: decisionView(row),
    resolution: resolution
      ? {
          resolution: resolution.resolution,
          operator: resolution.operator,
          apiActor: resolution.api_actor,
          reasonCode: resolution.reason_code,
          note: resolution.note,
          grantedAmount:
            resolution.granted_amount === null
              ? null
              : Money.of(resolution.granted_amount, row.currency).toJSON(),
          priceTier: resolution.price_tier,
          referredEventId: resolution.referred_event_id,
          referredAt: resolution.referred_at,
          decidedEventId: resolution.decided_event_id,
          resolvedAt: resolution.resolved_at,
          idempotencyKey: resolution.idempotency_key,
        }
      : null,
  };
}

function encodeCursor(at: string, applicationId: string): string {
  return Buffer.from(JSON.stringify([at, applicationId]), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): { at: string; applicationId: string } {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(parsed) &&
      parsed.length === 2 &&
      typeof parsed[0] === 'string' &&
      !Number.isNaN(Date.parse(parsed[0])) &&
      typeof parsed[1] === 'string'
    ) {
      return { at: parsed[0], applicationId: parsed[1] };
    }
  } catch {
    // falls through to the 400 below
  }
  throw new ReferralError(
    'REFERRAL.INVALID',
    'cursor is not valid: pass the nextCursor of the previous page',
    {
      field: 'cursor',
    },
  );
}
