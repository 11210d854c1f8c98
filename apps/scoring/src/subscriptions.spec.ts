import { subscriptionDrift } from '@credit/contracts';
import { ScoringConsumerGroup, ScoringEventHandlers } from './app.module';

it('consumes exactly what platformStreams (libs/contracts) says scoring consumes', () => {
  expect(subscriptionDrift('scoring', ScoringConsumerGroup, ScoringEventHandlers)).toBe('');
});
