import { z } from 'zod';
import { ReplayedHeader, defineRoute, replayable } from '@credit/platform';
import { createCredential, listCredentials, revokeCredential } from './credentials';
import { serviceApi } from './service-api';
import {
  ExportFormats,
  accountIdParams,
  accountListQuery,
  accountPageSchema,
  accountViewSchema,
  balanceQuery,
  balanceViewSchema,
  chainReportSchema,
  createAccountSchema,
  createHoldSchema,
  entryIdParams,
  entryViewSchema,
  exportQuery,
  holdViewSchema,
  postEntriesBodyOf,
  postEntriesSchema,
  postHoldSchema,
  postingRulesSchema,
  rebuildBalancesResponseSchema,
  rebuildBalancesSchema,
  reconciliationRunSchema,
  reconciliationRunWithReportSchema,
  reversalSchema,
  statementQuery,
  statementSchema,
  trialBalanceSchema,
  voidHoldSchema,
} from './ledger-schemas';

const postingErrors = {
  400: [
    'LEDGER.INVALID_ENTRY',
    'LEDGER.UNBALANCED',
    'LEDGER.UNKNOWN_ACCOUNT',
    'LEDGER.INVALID_ACCOUNT',
    'LEDGER.CURRENCY_MISMATCH',
    'LEDGER.SCALE_EXCEEDED',
    'LEDGER.UNKNOWN_CURRENCY',
  ],
  409: ['LEDGER.IDEMPOTENCY_CONFLICT'],
  422: ['LEDGER.LIMIT_EXCEEDED', 'LEDGER.INSUFFICIENT_FUNDS'],
} as const;

// ---------------------------------------------------------------- accounts

export const listAccounts = defineRoute({
  operationId: 'listAccounts',
  method: 'GET',
  path: '/v1/accounts',
  summary: 'The chart of accounts, by id, a page at a time (operator)',
  tags: ['accounts'],
  role: 'operator',
  query: accountListQuery,
  responses: { 200: { description: 'a page of accounts', body: accountPageSchema } },
  errors: { 400: ['LEDGER.INVALID_QUERY'] },
});

export const createAccount = defineRoute({
  operationId: 'createAccount',
  method: 'POST',
  path: '/v1/accounts',
  summary: 'Add an account to the chart (admin); idempotent by account id',
  description:
    'The same id with the same settings returns the account (200); with other settings it is a 409.',
  tags: ['accounts'],
  role: 'admin',
  body: createAccountSchema,
  responses: {
    200: { description: 'the account existed with these settings', body: accountViewSchema },
    201: { description: 'the account was added', body: accountViewSchema },
  },
  errors: { 400: ['LEDGER.INVALID_ACCOUNT'], 409: ['LEDGER.ACCOUNT_EXISTS'] },
});

export const getAccount = defineRoute({
  operationId: 'getAccount',
  method: 'GET',
  path: '/v1/accounts/{id}',
  summary: 'One account (operator)',
  tags: ['accounts'],
  role: 'operator',
  params: accountIdParams,
  responses: { 200: { description: 'the account', body: accountViewSchema } },
  errors: { 400: ['LEDGER.UNKNOWN_ACCOUNT'] },
});

export const getBalance = defineRoute({
  operationId: 'getBalance',
  method: 'GET',
  path: '/v1/accounts/{id}/balance',
  summary: 'Posted and pending balance, or the posted balance as of a time (operator)',
  description: "Balance is signed, debit positive; normalBalance is on the account's normal side.",
  tags: ['accounts'],
  role: 'operator',
  params: accountIdParams,
  query: balanceQuery,
  responses: { 200: { description: 'the balance', body: balanceViewSchema } },
  errors: { 400: ['LEDGER.UNKNOWN_ACCOUNT'] },
});

export const getStatement = defineRoute({
  operationId: 'getStatement',
  method: 'GET',
  path: '/v1/accounts/{id}/statement',
  summary: 'Lines in posting order with the running balance, by cursor (operator)',
  tags: ['accounts'],
  role: 'operator',
  params: accountIdParams,
  query: statementQuery,
  responses: { 200: { description: 'a page of statement lines', body: statementSchema } },
  errors: { 400: ['LEDGER.UNKNOWN_ACCOUNT', 'LEDGER.INVALID_QUERY'] },
});

// ---------------------------------------------------------------- entries

export const postEntries = defineRoute({
  operationId: 'postEntries',
  method: 'POST',
  path: '/v1/entries',
  summary: 'Post a manual or adjusting entry, or an atomic batch (operator)',
  description:
    'A single entry needs the Idempotency-Key header. A batch ({ "entries": [...] }, each with its own idempotencyKey) is atomic: every entry is posted in one transaction, or none is. Concurrent requests share transactions (group commit); when too many entries are waiting the answer is 503 LEDGER.BUSY with Retry-After. The same key with the same content returns the original (200, Idempotent-Replayed: true); with different content it is a 409.',
  tags: ['journal'],
  role: 'operator',
  idempotencyKey: 'optional',
  body: postEntriesSchema,
  bodyOf: postEntriesBodyOf,
  responses: {
    200: {
      description: 'replayed: the entry (or batch) posted first with this key',
      body: z.union([entryViewSchema, z.object({ entries: z.array(entryViewSchema) })]),
      headers: ReplayedHeader,
    },
    201: {
      description: 'posted: the entry, or { entries } for a batch',
      body: z.union([entryViewSchema, z.object({ entries: z.array(entryViewSchema) })]),
      headers: ReplayedHeader,
    },
  },
  errors: { ...postingErrors, 503: ['LEDGER.BUSY'] },
});

export const entriesBySource = defineRoute({
  operationId: 'entriesBySource',
  method: 'GET',
  path: '/v1/entries',
  summary: 'Entries recorded for a source event (operator)',
  tags: ['journal'],
  role: 'operator',
  query: z.object({ sourceEventId: entryIdParams.shape.id }),
  responses: {
    200: { description: 'the entries', body: z.object({ entries: z.array(entryViewSchema) }) },
  },
});

export const getEntry = defineRoute({
  operationId: 'getEntry',
  method: 'GET',
  path: '/v1/entries/{id}',
  summary: 'One journal entry with its lines (operator)',
  tags: ['journal'],
  role: 'operator',
  params: entryIdParams,
  responses: { 200: { description: 'the entry', body: entryViewSchema } },
  errors: { 404: ['LEDGER.ENTRY_NOT_FOUND'] },
});

export const reverseEntry = defineRoute({
  operationId: 'reverseEntry',
  method: 'POST',
  path: '/v1/entries/{id}/reversal',
  summary: 'Reverse an entry: a new entry with the sides swapped; once per entry (operator)',
  tags: ['journal'],
  role: 'operator',
  params: entryIdParams,
  idempotencyKey: 'required',
  body: reversalSchema,
  responses: replayable(entryViewSchema, 'the reversing entry'),
  errors: {
    ...postingErrors,
    404: ['LEDGER.ENTRY_NOT_FOUND'],
    409: ['LEDGER.IDEMPOTENCY_CONFLICT', 'LEDGER.ALREADY_REVERSED'],
  },
});

// ---------------------------------------------------------------- holds

const holdErrors = {
  404: ['LEDGER.HOLD_NOT_FOUND'],
  409: [
    'LEDGER.IDEMPOTENCY_CONFLICT',
    'LEDGER.HOLD_ALREADY_POSTED',
    'LEDGER.HOLD_ALREADY_VOIDED',
    'LEDGER.HOLD_EXPIRED',
  ],
} as const;
const holdIdParams = z.object({ id: entryIdParams.shape.id });

export const createHold = defineRoute({
  operationId: 'createHold',
  method: 'POST',
  path: '/v1/holds',
  summary: 'Reserve an amount: pending debit and credit that limits count (operator)',
  description:
    'Limits are checked against posted plus reserved amounts. Expires automatically at expiresAt.',
  tags: ['holds'],
  role: 'operator',
  idempotencyKey: 'required',
  body: createHoldSchema,
  responses: replayable(holdViewSchema, 'the hold'),
  errors: postingErrors,
});

export const getHold = defineRoute({
  operationId: 'getHold',
  method: 'GET',
  path: '/v1/holds/{id}',
  summary: 'One hold and its state (operator)',
  tags: ['holds'],
  role: 'operator',
  params: holdIdParams,
  responses: { 200: { description: 'the hold', body: holdViewSchema } },
  errors: { 404: holdErrors[404] },
});

export const postHold = defineRoute({
  operationId: 'postHold',
  method: 'POST',
  path: '/v1/holds/{id}/post',
  summary: 'Post all or part of a hold as a journal entry; the rest is released (operator)',
  description:
    'Rejected with LEDGER.HOLD_ALREADY_POSTED, HOLD_ALREADY_VOIDED, HOLD_EXPIRED or HOLD_AMOUNT_EXCEEDED; nothing changes then.',
  tags: ['holds'],
  role: 'operator',
  params: holdIdParams,
  idempotencyKey: 'required',
  body: postHoldSchema,
  responses: {
    200: { description: 'the posted hold', body: holdViewSchema, headers: ReplayedHeader },
  },
  errors: { ...holdErrors, 400: postingErrors[400], 422: ['LEDGER.HOLD_AMOUNT_EXCEEDED'] },
});

export const voidHold = defineRoute({
  operationId: 'voidHold',
  method: 'POST',
  path: '/v1/holds/{id}/void',
  summary: 'Release a hold without posting (operator)',
  tags: ['holds'],
  role: 'operator',
  params: holdIdParams,
  idempotencyKey: 'required',
  body: voidHoldSchema,
  responses: {
    200: { description: 'the voided hold', body: holdViewSchema, headers: ReplayedHeader },
  },
  errors: holdErrors,
});

// ---------------------------------------------------------------- reports and journal

export const trialBalance = defineRoute({
  operationId: 'trialBalance',
  method: 'GET',
  path: '/v1/trial-balance',
  summary: 'Trial balance now or as of a time (operator)',
  description:
    'Per currency, the total of debit balances and of credit balances (equal when the books balance), and every account with its signed balance (debit positive).',
  tags: ['reports'],
  role: 'operator',
  query: balanceQuery,
  responses: { 200: { description: 'the trial balance', body: trialBalanceSchema } },
});

export const postingRules = defineRoute({
  operationId: 'postingRules',
  method: 'GET',
  path: '/v1/posting-rules',
  summary: 'The posting rules in force: event type and version → journal lines (operator)',
  tags: ['journal'],
  role: 'operator',
  responses: { 200: { description: 'the rules', body: postingRulesSchema } },
});

export const verifyJournal = defineRoute({
  operationId: 'verifyJournal',
  method: 'GET',
  path: '/v1/journal/verify',
  summary: 'Verify the hash chain over the journal (operator)',
  description:
    'Walks journal_chain in position order and recomputes every link from the current entry and line rows. Reports the first broken link: content changed, previous hash mismatch or entry missing.',
  tags: ['journal'],
  role: 'operator',
  responses: { 200: { description: 'the verdict', body: chainReportSchema } },
});

export const exportJournal = defineRoute({
  operationId: 'exportJournal',
  method: 'GET',
  path: '/v1/journal/export',
  summary: 'Export the journal as an hledger journal or CSV, streamed (operator)',
  description: `One transaction per entry in seq order. \`from\` (inclusive) and \`to\` (exclusive) filter by effective date: YYYY-MM-DD or an ISO 8601 timestamp with a zone. Formats: ${ExportFormats.join(', ')}.`,
  tags: ['journal'],
  role: 'operator',
  query: exportQuery,
  responses: { 200: { description: 'the journal, streamed', content: ['text/plain', 'text/csv'] } },
});

export const startReconciliation = defineRoute({
  operationId: 'startReconciliation',
  method: 'POST',
  path: '/v1/reconciliation/runs',
  summary: 'Start a reconciliation run in the background (operator)',
  description:
    'Answers 202 with the run (id, status running, progress) at once; the run checks, set-based, every loan position (projected from the repayment changelog) against the ledger balances of that loan and every loan account against a position, every posted event with exactly one entry and back, and the trial balance zero per currency. Follow it with GET /v1/reconciliation/runs/{id}. The same Idempotency-Key answers 200 with the run it started.',
  tags: ['reports'],
  role: 'operator',
  idempotencyKey: 'required',
  responses: {
    200: { description: 'replayed: the run this key started', body: reconciliationRunSchema },
    202: {
      description: 'started',
      body: reconciliationRunSchema,
      headers: { ...ReplayedHeader, Location: 'the run: /v1/reconciliation/runs/{id}' },
    },
  },
  errors: { 409: ['ADMIN.IDEMPOTENCY_CONFLICT'] },
});

export const listReconciliationRuns = defineRoute({
  operationId: 'listReconciliationRuns',
  method: 'GET',
  path: '/v1/reconciliation/runs',
  summary: 'The reconciliation runs, daily and on demand, latest first (operator)',
  tags: ['reports'],
  role: 'operator',
  responses: {
    200: { description: 'the runs', body: z.object({ runs: z.array(reconciliationRunSchema) }) },
  },
});

export const getReconciliationRun = defineRoute({
  operationId: 'getReconciliationRun',
  method: 'GET',
  path: '/v1/reconciliation/runs/{id}',
  summary:
    'A reconciliation run: status, progress (loans checked of total) and its report (operator)',
  description:
    'While running: status running, progress.loansChecked of progress.loansTotal, report null. Completed: ok, the number of breaks and the report (per loan component both figures and the difference, with the position version and both update times; events without entry and back; trial balance per currency). Failed: the error.',
  tags: ['reports'],
  role: 'operator',
  params: z.object({ id: z.string().min(1).max(100) }),
  responses: { 200: { description: 'the run', body: reconciliationRunWithReportSchema } },
  errors: { 404: ['LEDGER.RECONCILIATION_RUN_NOT_FOUND'] },
});

export const latestReconciliation = defineRoute({
  operationId: 'latestReconciliation',
  method: 'GET',
  path: '/v1/reconciliation',
  summary: 'The latest completed reconciliation run and its report (operator)',
  description:
    'Reads the stored verdict, never computes: start a run with POST /v1/reconciliation/runs. 404 until a run has completed.',
  tags: ['reports'],
  role: 'operator',
  responses: { 200: { description: 'the run', body: reconciliationRunWithReportSchema } },
  errors: { 404: ['LEDGER.RECONCILIATION_RUN_NOT_FOUND'] },
});

export const rebuildBalances = defineRoute({
  operationId: 'rebuildBalances',
  method: 'POST',
  path: '/v1/admin/ledger/rebuild-balances',
  summary: 'Recompute every balance from the journal and report the differences (admin)',
  description:
    'Posted debits, credits and line count from journal lines, pending amounts from pending holds, against each balances row. Writes nothing but the audit record unless apply is true; then the differing rows are locked and overwritten in one transaction. Audited as ledger.rebuild-balances; the same Idempotency-Key returns the first report without recomputing.',
  tags: ['admin'],
  role: 'admin',
  idempotencyKey: 'required',
  body: rebuildBalancesSchema,
  responses: {
    200: {
      description: 'the report',
      body: rebuildBalancesResponseSchema,
      headers: ReplayedHeader,
    },
  },
  errors: { 409: ['ADMIN.IDEMPOTENCY_CONFLICT'] },
});

export const ledgerApi = serviceApi('ledger', {
  title: 'Ledger service',
  description: 'The double-entry book of record: accounts, journal entries, balances.',
  tags: {
    accounts: 'The chart of accounts, balances and statements',
    journal: 'Journal entries, reversals, posting rules, the hash chain and exports',
    holds: 'Reserved amounts that limits count until posted or released',
    reports: 'Trial balance and reconciliation',
    credentials: 'Named operator and admin credentials: issue, list, revoke (admin)',
  },
  routes: [
    listAccounts,
    createAccount,
    getAccount,
    getBalance,
    getStatement,
    postEntries,
    entriesBySource,
    getEntry,
    reverseEntry,
    createHold,
    getHold,
    postHold,
    voidHold,
    trialBalance,
    postingRules,
    verifyJournal,
    exportJournal,
    startReconciliation,
    listReconciliationRuns,
    getReconciliationRun,
    latestReconciliation,
    rebuildBalances,
    createCredential,
    listCredentials,
    revokeCredential,
  ],
});
