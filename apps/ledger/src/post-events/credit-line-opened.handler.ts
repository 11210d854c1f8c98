import { ApplicationDecidedV1 } from '@credit/contracts';
import { eventHandler } from '@credit/messaging';
import { Money } from '@credit/money';
import { creditLineAccounts } from '../domain/accounts';
import { LedgerSystemActor } from '../domain/journal';
import { AccountDirectory } from '../infrastructure/account-directory';

/**
 * An approved credit line gets its memorandum pair (see creditLineAccounts). Holds on the pair
 * reserve the limit while a draw is paid out; principal repaid releases it. No money moves, so no
 * entry is posted.
 */
export const CreditLineOpenedHandler = eventHandler(ApplicationDecidedV1, {
  name: 'ledger.credit-lines',
  service: AccountDirectory,
  async handle(event, manager, accounts) {
    const line = event.payload.creditLine;
    if (event.payload.decision !== 'approved' || line === null) return;
    await accounts.insert(
      manager,
      creditLineAccounts(line.lineId, Money.fromJSON(line.limit)),
      LedgerSystemActor,
    );
  },
});
