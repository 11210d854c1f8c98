import { subscriptionDrift } from '@credit/contracts';
import { RepaymentConsumerGroup, RepaymentEventHandlers } from './app.module';

it('consumes exactly what platformStreams (libs/contracts) says repayment consumes', () => {
  expect(subscriptionDrift('repayment', RepaymentConsumerGroup, RepaymentEventHandlers)).toBe('');
});
