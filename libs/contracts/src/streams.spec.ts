import { platformEventDefinitions } from './events';
import {
  type StreamSpec,
  ConsumerGroups,
  eventKeys,
  platformStreams,
  subscriptionsOf,
} from './streams';
import { serviceNames } from './services';
import { domainTopics } from './topics';

const producedOn = (stream: StreamSpec) => stream.producers.flatMap((p) => p.events);

describe('platform streams', () => {
  it('describe every domain topic once', () => {
    expect(platformStreams.map((s) => s.topic).sort()).toEqual([...domainTopics].sort());
  });

  it('name one producer for every event type, on the topic the event travels on', () => {
    const produced = platformStreams.flatMap(producedOn);
    expect(produced.map((d) => `${d.type}@v${d.version}`).sort()).toEqual(
      eventKeys(platformEventDefinitions),
    );
    for (const stream of platformStreams) {
      for (const definition of producedOn(stream)) expect(definition.topic).toBe(stream.topic);
    }
  });

  it('let consumers read only event types produced on that topic, in their service group', () => {
    for (const stream of platformStreams) {
      const produced = new Set(producedOn(stream));
      for (const consumer of stream.consumers) {
        expect(consumer.group).toBe(ConsumerGroups[consumer.service]);
        for (const definition of consumer.events) expect(produced.has(definition)).toBe(true);
      }
    }
  });

  it('gathers what each service subscribes to across topics', () => {
    expect(subscriptionsOf('repayment')).toEqual([
      'calendar.business-day-closed@v1',
      'loan.disbursed@v1',
      'loan.state-recorded@v1',
    ]);
    for (const service of serviceNames) expect(subscriptionsOf(service).length).toBeGreaterThan(0);
  });
});
