import { z } from 'zod';
import { defineEvent } from '../catalog';
import { Topics } from '../topics';
import { id, positiveMoney, timestamp } from './fields';

// ledger.events: ledger.entry.posted (ledger), the ledger's announcements; keyed by entry id.

/** Lines per ledger entry, as the ledger enforces (`EntryLinesMax`) and its API documents. */
export const LedgerEntryLinesMax = 50;
export const LedgerAccountIdLengthMax = 200;

export const ledgerEntryLineSchema = z
  .object({
    account: z.string().min(1).max(LedgerAccountIdLengthMax),
    side: z.enum(['debit', 'credit']),
    amount: positiveMoney,
  })
  .strict();

export const LedgerEntryPostedV1 = defineEvent({
  type: 'ledger.entry.posted',
  version: 1,
  topic: Topics.ledgerEvents,
  schema: z
    .object({
      entryId: z.uuid(),
      idempotencyKey: id,
      /** The business event the entry records; null for a manual entry. */
      sourceEventId: z.uuid().nullable(),
      /** The entry this one reverses; null for an ordinary entry. */
      reversesEntryId: z.uuid().nullable(),
      effectiveAt: timestamp,
      postedAt: timestamp,
      lines: z.array(ledgerEntryLineSchema).min(2).max(LedgerEntryLinesMax),
    })
    .strict(),
});
export type LedgerEntryPostedV1Payload = z.infer<typeof LedgerEntryPostedV1.schema>;
