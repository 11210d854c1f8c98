import { subscriptionDrift } from '@credit/contracts';
import { LedgerConsumerGroup, ledgerEventHandlers } from './app.module';

it('consumes exactly what platformStreams (libs/contracts) says ledger consumes', () => {
  expect(subscriptionDrift('ledger', LedgerConsumerGroup, ledgerEventHandlers())).toBe('');
});
