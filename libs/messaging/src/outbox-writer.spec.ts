import type { EntityManager } from 'typeorm';
import { z } from 'zod';
import { defineEvent } from '@credit/contracts';
import { runWithContext } from '@credit/platform';
import { type EventCause, OutboxWriter, derivedEventId } from './outbox-writer';

const Happened = defineEvent({
  type: 'test.happened',
  version: 1,
  topic: 'test.happened',
  schema: z.object({ n: z.number().int() }),
});

/** A transaction's manager as the writer sees it: only its query runner's per-transaction data. */
const transaction = () => ({ queryRunner: { data: {} } }) as unknown as EntityManager;
const causation = '7d9f6a0e-1c2b-4e5f-8a9b-0c1d2e3f4a5b';

describe('event ids of events produced while handling another', () => {
  const writer = new OutboxWriter('svc');
  const handle = (manager: EntityManager) =>
    runWithContext({ correlationId: 'c-1', causationId: causation }, () => [
      writer.build({ definition: Happened, key: 'L-1', payload: { n: 1 } }, manager).eventId,
      writer.build({ definition: Happened, key: 'L-1', payload: { n: 2 } }, manager).eventId,
      writer.build({ definition: Happened, key: 'L-2', payload: { n: 3 } }, manager).eventId,
    ]);

  it('are the same when the same event is handled again, so consumers drop the copies', () => {
    expect(handle(transaction())).toEqual(handle(transaction()));
  });

  it('differ between events of one handling (by key and by ordinal) and between causes', () => {
    const ids = handle(transaction());
    expect(new Set(ids).size).toBe(3);
    expect(derivedEventId('svc/', causation, 'test.happened', 'L-1', 0)).toBe(ids[0]);
    expect(derivedEventId('svc/', 'other-cause', 'test.happened', 'L-1', 0)).not.toBe(ids[0]);
    expect(derivedEventId('other-svc/', causation, 'test.happened', 'L-1', 0)).not.toBe(ids[0]);
    expect(derivedEventId('svc/another-handler', causation, 'test.happened', 'L-1', 0)).not.toBe(
      ids[0],
    );
  });

  it('are RFC 9562 version-8 UUIDs', () => {
    expect(derivedEventId('svc', causation, 'test.happened', 'L-1', 0)).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });

  it('are random outside a handler (an HTTP command has no causing event)', () => {
    const manager = transaction();
    const build = () =>
      runWithContext({ correlationId: 'c-2', causationId: null }, () =>
        writer.build({ definition: Happened, key: 'L-1', payload: { n: 1 } }, manager),
      ).eventId;
    expect(build()).not.toBe(build());
  });
});

describe('event ids of events a scheduler or worker publishes (a stated cause)', () => {
  const writer = new OutboxWriter('svc');
  /** The id of test.happened `n` for key L-1, built for `cause` in `manager`'s transaction. */
  const idFor = (n: number, cause: EventCause, manager: EntityManager | undefined) =>
    writer.build({ definition: Happened, key: 'L-1', payload: { n }, cause }, manager).eventId;
  const publish = (manager: EntityManager | undefined, causationId: string | null = null) =>
    runWithContext({ correlationId: 'c-3', causationId }, () =>
      [1, 2].map((n) => idFor(n, { source: 'payout', id: 'L-1' }, manager)),
    );

  it('are the same when the same work is done again (a retry, a rebuild), whatever the payload', () => {
    expect(publish(transaction())).toEqual(publish(transaction()));
    expect(publish(transaction())[0]).toBe(
      derivedEventId('svc/cause:payout', 'L-1', 'test.happened', 'L-1', 0),
    );
  });

  it('number same-typed events of one cause in a transaction, and differ by cause and source', () => {
    const [first, second] = publish(transaction());
    expect(first).not.toBe(second);
    const other = idFor(1, { source: 'payout', id: 'L-2' }, transaction());
    const otherSource = idFor(1, { source: 'close', id: 'L-1' }, transaction());
    expect(new Set([first, other, otherSource]).size).toBe(3);
  });

  it('do not depend on a consumed event in the context, nor need a transaction', () => {
    expect(publish(transaction(), causation)[0]).toBe(publish(transaction())[0]);
    expect(publish(undefined)[0]).toBe(publish(transaction())[0]);
  });
});
