import type { Money } from '@credit/money';

/** Attempts while the ledger has not yet recorded the line's approval (its accounts are missing). */
export const LineAccountsWaitAttemptsMax = 20;
const LineAccountsWaitMs = 250;

interface LedgerReply {
  id?: unknown;
  error?: { code?: unknown; message?: unknown };
}

export type ReserveOutcome = { holdId: string } | { overLimit: string };

/**
 * The credit line's limit is reserved in the ledger while a draw is paid out: a hold on the line's
 * memorandum pair, posted when the money has gone out, voided when the payout finally fails (the
 * limit comes back). Every call carries an idempotency key derived from the loan.
 */
export class LedgerHolds {
  constructor(
    private readonly ledgerUrl: string,
    private readonly operatorKey: string,
  ) {}

  async reserve(loanId: string, lineId: string, amount: Money): Promise<ReserveOutcome> {
    for (let attempt = 1; ; attempt++) {
      const reply = await this.call('POST', '/v1/holds', `line-hold:${loanId}`, {
        debitAccount: `assets:credit-line-drawn:${lineId}`,
        creditAccount: `liabilities:credit-line-commitment:${lineId}`,
        amount: amount.toString(),
        currency: amount.currency,
        description: `Limit reserved on line ${lineId} for loan ${loanId}`,
        metadata: { loanId, lineId },
      });
      if ((reply.status === 200 || reply.status === 201) && typeof reply.body?.id === 'string') {
        return { holdId: reply.body.id };
      }
      const rawCode = reply.body?.error?.code;
      const code = typeof rawCode === 'string' ? rawCode : '';
      if (code === 'LEDGER.LIMIT_EXCEEDED')
        return {
          overLimit:
            typeof reply.body?.error?.message === 'string' ? reply.body.error.message : code,
        };
      if (code === 'LEDGER.UNKNOWN_ACCOUNT' && attempt < LineAccountsWaitAttemptsMax) {
        await new Promise((resolve) => setTimeout(resolve, LineAccountsWaitMs));
        continue;
      }
      throw new Error(`the ledger refused the line hold for ${loanId}: ${reply.status} ${code}`);
    }
  }

  async post(loanId: string, holdId: string): Promise<void> {
    const reply = await this.call(
      'POST',
      `/v1/holds/${holdId}/post`,
      `line-hold:${loanId}:post`,
      {},
    );
    if (reply.status !== 200)
      throw new Error(`the ledger refused to post hold ${holdId}: ${reply.status}`);
  }

  async void(loanId: string, holdId: string): Promise<void> {
    const reply = await this.call('POST', `/v1/holds/${holdId}/void`, `line-hold:${loanId}:void`, {
      reason: 'payout failed',
    });
    if (reply.status !== 200)
      throw new Error(`the ledger refused to void hold ${holdId}: ${reply.status}`);
  }

  private async call(
    method: string,
    path: string,
    key: string,
    body: unknown,
  ): Promise<{ status: number; body: LedgerReply | null }> {
    const response = await fetch(new URL(path, this.ledgerUrl), {
      method,
      headers: {
        authorization: `Bearer ${this.operatorKey}`,
        'content-type': 'application/json',
        'idempotency-key': key,
      },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as LedgerReply) : null };
  }
}
