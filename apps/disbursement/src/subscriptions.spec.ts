import { subscriptionDrift } from '@credit/contracts';
import { DisbursementConsumerGroup, DisbursementEventHandlers } from './app.module';

it('consumes exactly what platformStreams (libs/contracts) says disbursement consumes', () => {
  expect(
    subscriptionDrift('disbursement', DisbursementConsumerGroup, DisbursementEventHandlers),
  ).toBe('');
});
