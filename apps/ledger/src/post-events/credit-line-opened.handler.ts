import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  ApplicationDecidedV1,
  type ApplicationDecidedV1Payload,
  type EventEnvelope,
} from '@credit/contracts';
import type { EventHandler } from '@credit/messaging';
import { Money } from '@credit/money';
import { AccountDirectory } from '../infrastructure/account-directory';

/**
 * An approved credit line gets its memorandum pair: `assets:credit-line-drawn:<lineId>` capped at
 * the limit, and `liabilities:credit-line-commitment:<lineId>`. Holds on the pair reserve the limit
 * while a draw is paid out; principal repaid releases it. No money moves, so no entry is posted.
 */
@Injectable()
export class CreditLineOpenedHandler implements EventHandler<ApplicationDecidedV1Payload> {
  readonly name = 'ledger.credit-lines';
  readonly definition = ApplicationDecidedV1;

  constructor(private readonly accounts: AccountDirectory) {}

  async handle(
    event: EventEnvelope<ApplicationDecidedV1Payload>,
    manager: EntityManager,
  ): Promise<void> {
    const line = event.payload.creditLine;
    if (event.payload.decision !== 'approved' || line === null) return;
    const limit = Money.fromJSON(line.limit);
    await this.accounts.insert(manager, [
      {
        id: `assets:credit-line-drawn:${line.lineId}`,
        name: `Drawn on credit line ${line.lineId}`,
        type: 'asset',
        normalSide: 'debit',
        currency: limit.currency,
        minBalance: 0n,
        maxBalance: limit.minorUnits(),
        allowsSubaccounts: false,
        parentId: 'assets:credit-line-drawn',
      },
      {
        id: `liabilities:credit-line-commitment:${line.lineId}`,
        name: `Commitment on credit line ${line.lineId}`,
        type: 'liability',
        normalSide: 'credit',
        currency: limit.currency,
        minBalance: 0n,
        maxBalance: null,
        allowsSubaccounts: false,
        parentId: 'liabilities:credit-line-commitment',
      },
    ]);
  }
}
