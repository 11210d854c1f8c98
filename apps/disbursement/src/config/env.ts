import { z } from 'zod';
import { env, serviceEnvShape } from '@credit/platform';
import { parseAmountFates } from '../domain/payment-rail';

const share = z
  .string()
  .regex(/^(0(\.\d{1,6})?|1(\.0{1,6})?)$/, 'must be a share from 0 to 1 such as "0.05"');

/** The disbursement service's environment: the shared variables plus its own (see .env.example). */
export const disbursementEnvSchema = z
  .object({
    ...serviceEnvShape,
    /** The simulated bank decides each payout from this seed and the payout id: same seed, same fates. */
    RAIL_SEED: z.string().min(1).default('credit-dev'),
    /** Shares of payouts declined, confirmed late, paid with the answer lost (a timeout), answered twice. */
    RAIL_FAILURE_RATE: share.default('0'),
    RAIL_LATE_RATE: share.default('0'),
    RAIL_TIMEOUT_RATE: share.default('0'),
    RAIL_DUPLICATE_RATE: share.default('0'),
    RAIL_LATE_CONFIRMATION_MS: env.int(0, 600_000).default(2_000),
    /** Sandbox rule: the simulated bank declines every payout of exactly this amount (empty: none). */
    RAIL_DECLINE_AMOUNT: z
      .string()
      .regex(/^\d{1,20}(\.\d{1,12})?$/, 'must be a decimal amount')
      .optional(),
    /**
     * Sandbox rules: `amount=fate` pairs, e.g. `5050.50=timeout-after-pay,6060.60=late`; fates are
     * declined, late, timeout-after-pay, answer-twice, drop-first, paid.
     */
    RAIL_AMOUNT_FATES: z
      .string()
      .optional()
      .superRefine((spec, context) => {
        try {
          parseAmountFates(spec);
        } catch (error) {
          context.addIssue({ code: 'custom', message: (error as Error).message });
        }
      }),
    /**
     * Attempts after which a payout still unconfirmed is flagged for an operator (last_error); it
     * is never failed for want of an answer, only by the bank's decline.
     */
    PAYOUT_ATTEMPTS_MAX: env.int(1, 100).default(8),
    PAYOUT_BACKOFF_MS: env.int(10, 600_000).default(500),
    /** Safety poll of the payout worker: a commit that queues a payout wakes it (NOTIFY) at once. */
    PAYOUT_POLL_INTERVAL_MS: env.int(10, 60_000).default(1_000),
    /** Payouts in flight at once per instance (no transaction is open during the external calls). */
    PAYOUT_CONCURRENCY: env.int(1, 64).default(4),
    /**
     * How long a claimed payout belongs to its claimer; a claimer that crashed loses it after this
     * and another instance pays it again by the same keys. Longer than the slowest ledger + rail call.
     */
    PAYOUT_LEASE_MS: env.int(100, 3_600_000).default(60_000),
    /** The ledger, for the hold that reserves a draw on its credit line (unset: no line holds). */
    LEDGER_URL: env.url(['http', 'https']).optional(),
    /**
     * The operator credential the disbursement places holds with at the ledger: in production a
     * named credential held by `service-disbursement`; unset: OPERATOR_API_KEY.
     */
    LEDGER_API_KEY: z.string().min(16, 'must be at least 16 characters').optional(),
    /** Reconcile yesterday's bank statement against the payouts automatically (once per date). */
    PAYOUT_RECONCILIATION_SCHEDULE_ENABLED: env.boolean().default(true),
    /** Settle merchants for yesterday automatically. */
    SETTLEMENT_SCHEDULE_ENABLED: env.boolean().default(true),
  })
  .superRefine((config, context) => {
    if (config.LEDGER_URL && !config.LEDGER_API_KEY && !config.OPERATOR_API_KEY)
      context.addIssue({
        code: 'custom',
        path: ['LEDGER_API_KEY'],
        message: 'is required when LEDGER_URL is set (or OPERATOR_API_KEY)',
      });
  });

/** The credential the disbursement calls the ledger with. */
export function ledgerApiKeyOf(config: DisbursementConfig): string | undefined {
  return config.LEDGER_API_KEY ?? config.OPERATOR_API_KEY;
}

export type DisbursementConfig = z.infer<typeof disbursementEnvSchema>;
