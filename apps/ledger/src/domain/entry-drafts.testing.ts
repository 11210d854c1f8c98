import type { EntryDraft, LineDraft } from './journal';

/** Test fixture: an entry draft with these lines and nothing else set (override with `extra`). */
export const draftOf = (
  idempotencyKey: string,
  lines: readonly LineDraft[],
  extra: Partial<EntryDraft> = {},
): EntryDraft => ({
  idempotencyKey,
  effectiveAt: null,
  description: 'Loan disbursement',
  metadata: {},
  sourceEventId: null,
  sourceEventType: null,
  rule: null,
  reversesEntryId: null,
  actor: 'operator:bootstrap:env-operator',
  lines,
  ...extra,
});
