import type { EntityManager } from 'typeorm';
import type {
  ApplicationRecordedV1Payload,
  CashLoanRepaymentMethod,
  CreditProfile,
  DrawPricing,
  LoanProduct,
} from '@credit/contracts';
import type { ApplicationStatus } from '../domain/application';
import type { ConsentPurpose } from '../domain/personal-data';
import { IdempotencyStore } from '@credit/platform';

export interface ApplicationRow {
  id: string;
  request_hash: string;
  customer_id: string;
  kind: 'credit-line' | 'draw';
  status: ApplicationStatus;
  age: number;
  currency: string;
  monthly_income: string;
  monthly_debt_payments: string;
  profile: CreditProfile;
  requested_limit: string | null;
  line_id: string | null;
  draw_product: LoanProduct | null;
  draw_amount: string | null;
  draw_periods: number | null;
  merchant_id: string | null;
  fee_payer: 'buyer' | 'merchant' | null;
  draw_repayment_method: CashLoanRepaymentMethod | null;
  model_version: string | null;
  score: number | null;
  pd: string | null;
  reasons: { code: string; text: string }[] | null;
  rules_fired: string[] | null;
  granted_line_id: string | null;
  granted_limit: string | null;
  price_tier: string | null;
  pricing: DrawPricing | null;
  merchant_fee: string | null;
  submitted_at: string;
  decided_at: string | null;
}

export interface NewApplication {
  id: string;
  idempotencyKey: string;
  requestHash: string;
  customerId: string;
  kind: 'credit-line' | 'draw';
  encrypted: { name: string; nationalId: string; phone: string };
  age: number;
  currency: string;
  monthlyIncome: string;
  monthlyDebtPayments: string;
  profile: CreditProfile;
  requestedLimit: string | null;
  draw: {
    lineId: string;
    product: LoanProduct;
    amount: string;
    periods: number;
    merchantId: string | null;
    feePayer: 'buyer' | 'merchant' | null;
    /** A cash loan's repayment method; null for an installment purchase. */
    repaymentMethod: CashLoanRepaymentMethod | null;
  } | null;
  submittedAt: string;
  /** What the applicant consented to; null on applications from before consent was asked. */
  consent: { purposes: ConsentPurpose[]; textVersion: string; consentedAt: string } | null;
}

/** An accepted application as its changelog records it (personal data sealed, as stored). */
export function recordedPayloadOf(a: NewApplication): ApplicationRecordedV1Payload {
  const { id, encrypted, consent, ...rest } = a;
  return { applicationId: id, sealed: encrypted, ...rest, ...(consent && { consent }) };
}

/** The application a changelog record restores. */
export function applicationOfRecord(r: ApplicationRecordedV1Payload): NewApplication {
  const { applicationId, sealed, draw, consent, ...rest } = r;
  return {
    id: applicationId,
    encrypted: sealed,
    ...rest,
    consent: consent ?? null,
    // Records from before repayment methods existed: a cash loan was daily-interest.
    draw: draw && {
      ...draw,
      repaymentMethod:
        draw.repaymentMethod ?? (draw.product === 'cash-loan' ? 'daily-interest' : null),
    },
  };
}

export interface CreditLineRow {
  id: string;
  customer_id: string;
  application_id: string;
  currency: string;
  credit_limit: string;
  price_tier: string;
  status: 'active' | 'closed';
  opened_at: string;
}

// Money as text (never through a JS number); timestamps as ISO text in UTC.
const iso = (column: string) =>
  `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS ${column}`;
export const ApplicationColumns = `id::text, request_hash, customer_id, kind, status, age, currency,
  monthly_income::text, monthly_debt_payments::text, profile, requested_limit::text, line_id,
  draw_product, draw_amount::text, draw_periods, merchant_id, fee_payer, draw_repayment_method,
  model_version, score, pd,
  reasons, rules_fired, granted_line_id, granted_limit::text, price_tier, pricing,
  merchant_fee::text, ${iso('submitted_at')}, ${iso('decided_at')}`;
export const CreditLineColumns = `id, customer_id, application_id::text, currency, credit_limit::text,
  price_tier, status, ${iso('opened_at')}`;

/** Reads and writes applications and credit lines with raw SQL. Locking is the caller's choice. */
export class ApplicationStore {
  async find(
    manager: EntityManager,
    id: string,
    lock: boolean,
  ): Promise<ApplicationRow | undefined> {
    // Ids are UUIDs: anything else cannot be ours (and would make PostgreSQL raise, not answer).
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id))
      return undefined;
    const [row] = await manager.query<ApplicationRow[]>(
      `SELECT ${ApplicationColumns} FROM applications WHERE id = $1 ${lock ? 'FOR UPDATE' : ''}`,
      [id],
    );
    return row;
  }

  /** The keys callers submitted applications with (kept forever, in the applications table). */
  readonly keys = new IdempotencyStore<ApplicationRow>({
    table: 'applications',
    columns: ApplicationColumns,
  });

  /** Inserts unless the idempotency key is taken (then false: a concurrent twin won). */
  async insert(manager: EntityManager, a: NewApplication): Promise<boolean> {
    const inserted = await manager.query<unknown[]>(
      `INSERT INTO applications (id, idempotency_key, request_hash, customer_id, kind,
         name_encrypted, national_id_encrypted, phone_encrypted, age, currency, monthly_income,
         monthly_debt_payments, profile, requested_limit, line_id, draw_product, draw_amount,
         draw_periods, merchant_id, fee_payer, draw_repayment_method, submitted_at,
         consent_purposes, consent_text_version, consented_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22,
         $23, $24, $25)
       ON CONFLICT (idempotency_key) DO NOTHING
       RETURNING id`,
      [
        a.id,
        a.idempotencyKey,
        a.requestHash,
        a.customerId,
        a.kind,
        a.encrypted.name,
        a.encrypted.nationalId,
        a.encrypted.phone,
        a.age,
        a.currency,
        a.monthlyIncome,
        a.monthlyDebtPayments,
        JSON.stringify(a.profile),
        a.requestedLimit,
        a.draw?.lineId ?? null,
        a.draw?.product ?? null,
        a.draw?.amount ?? null,
        a.draw?.periods ?? null,
        a.draw?.merchantId ?? null,
        a.draw?.feePayer ?? null,
        a.draw?.repaymentMethod ?? null,
        a.submittedAt,
        a.consent && JSON.stringify(a.consent.purposes),
        a.consent?.textVersion ?? null,
        a.consent?.consentedAt ?? null,
      ],
    );
    return inserted.length === 1;
  }

  async recordDecision(
    manager: EntityManager,
    id: string,
    d: {
      status: ApplicationStatus;
      eventId: string;
      modelVersion: string;
      score: number;
      pd: string;
      reasons: { code: string; text: string }[];
      rulesFired: string[];
      grantedLineId: string | null;
      grantedLimit: string | null;
      priceTier: string | null;
      pricing: DrawPricing | null;
      merchantFee: string | null;
      decidedAt: string;
    },
  ): Promise<void> {
    await manager.query(
      `UPDATE applications SET status = $2, decision_event_id = $3, model_version = $4, score = $5,
         pd = $6, reasons = $7, rules_fired = $8, granted_line_id = $9, granted_limit = $10,
         price_tier = $11, pricing = $12, merchant_fee = $13, decided_at = $14
       WHERE id = $1`,
      [
        id,
        d.status,
        d.eventId,
        d.modelVersion,
        d.score,
        d.pd,
        JSON.stringify(d.reasons),
        JSON.stringify(d.rulesFired),
        d.grantedLineId,
        d.grantedLimit,
        d.priceTier,
        d.pricing === null ? null : JSON.stringify(d.pricing),
        d.merchantFee,
        d.decidedAt,
      ],
    );
  }

  async findLine(
    manager: EntityManager,
    lineId: string,
    lock: 'share' | false,
  ): Promise<CreditLineRow | undefined> {
    const [row] = await manager.query<CreditLineRow[]>(
      `SELECT ${CreditLineColumns} FROM credit_lines WHERE id = $1 ${lock ? 'FOR SHARE' : ''}`,
      [lineId],
    );
    return row;
  }

  async insertLine(
    manager: EntityManager,
    line: {
      id: string;
      customerId: string;
      applicationId: string;
      currency: string;
      limit: string;
      priceTier: string;
      openedAt: string;
    },
  ): Promise<void> {
    await manager.query(
      `INSERT INTO credit_lines (id, customer_id, application_id, currency, credit_limit, price_tier, opened_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [
        line.id,
        line.customerId,
        line.applicationId,
        line.currency,
        line.limit,
        line.priceTier,
        line.openedAt,
      ],
    );
  }
}
