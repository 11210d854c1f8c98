import { subscriptionDrift } from '@credit/contracts';
import { PortfolioConsumerGroup } from './app.module';
import { PortfolioEventHandlers } from './read-model/handlers';

it('consumes exactly what platformStreams (libs/contracts) says portfolio consumes', () => {
  expect(subscriptionDrift('portfolio', PortfolioConsumerGroup, PortfolioEventHandlers)).toBe('');
});
