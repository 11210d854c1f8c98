import { subscriptionDrift } from '@credit/contracts';
import { ApplicationConsumerGroup, ApplicationEventHandlers } from './app.module';

it('consumes exactly what platformStreams (libs/contracts) says application consumes', () => {
  expect(subscriptionDrift('application', ApplicationConsumerGroup, ApplicationEventHandlers)).toBe(
    '',
  );
});
