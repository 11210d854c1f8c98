import type { ArgumentsHost } from '@nestjs/common';
import pino from 'pino';
import { InvariantViolation, invariant } from '@credit/kernel';
import { type Crash, ExitCodeInvariant, crashOnInvariant, crashProcess } from './crash';
import { DomainError, HttpErrorFilter } from './errors';
import { PeriodicTask } from './periodic-task';

const logger = pino({ level: 'silent' });

function httpHost() {
  const json = jest.fn();
  const status = jest.fn(() => ({ json }));
  const host = {
    switchToHttp: () => ({ getResponse: () => ({ status }) }),
  } as unknown as ArgumentsHost;
  return { host, status, json };
}

describe('crash on a broken invariant', () => {
  it('crashProcess logs and exits with status 70', () => {
    const exit = jest.spyOn(process, 'exit').mockImplementation(() => undefined as never);
    try {
      crashProcess(new InvariantViolation('x'), logger);
      expect(exit).toHaveBeenCalledWith(ExitCodeInvariant);
      expect(ExitCodeInvariant).toBe(70);
    } finally {
      exit.mockRestore();
    }
  });

  it('crashOnInvariant crashes on an InvariantViolation only', () => {
    const crash = jest.fn<void, Parameters<Crash>>();
    expect(crashOnInvariant(new Error('timeout'), logger, crash)).toBe(false);
    expect(crash).not.toHaveBeenCalled();
    const broken = new InvariantViolation('hold vanished');
    expect(crashOnInvariant(broken, logger, crash)).toBe(true);
    expect(crash).toHaveBeenCalledWith(broken, logger);
  });

  it('the HTTP error filter crashes instead of answering 500', () => {
    const crash = jest.fn<void, Parameters<Crash>>();
    const { host, status } = httpHost();
    new HttpErrorFilter(logger, crash).catch(new InvariantViolation('a row vanished'), host);
    expect(crash).toHaveBeenCalledTimes(1);
    expect(status).not.toHaveBeenCalled();
  });

  it('the HTTP error filter answers other errors as before, without a crash', () => {
    const crash = jest.fn<void, Parameters<Crash>>();
    const filter = new HttpErrorFilter(logger, crash);
    const unexpected = httpHost();
    filter.catch(new Error('boom'), unexpected.host);
    expect(unexpected.status).toHaveBeenCalledWith(500);
    const expected = httpHost();
    filter.catch(new DomainError('X.CONFLICT', 'taken', 'conflict'), expected.host);
    expect(expected.status).toHaveBeenCalledWith(409);
    expect(crash).not.toHaveBeenCalled();
  });

  it('a periodic task whose pass breaks an invariant crashes and stops instead of retrying', async () => {
    let crashed!: () => void;
    const done = new Promise<void>((resolve) => (crashed = resolve));
    const crash = jest.fn<void, Parameters<Crash>>(() => crashed());
    let passes = 0;
    const task = new PeriodicTask(
      { name: 'broken', intervalMs: 60_000, failureDelayMinMs: 1, crash },
      () => {
        passes++;
        invariant(false, 'a balance below zero');
        return Promise.resolve();
      },
      logger,
    );
    task.start();
    await done;
    await task.stop();
    expect(crash.mock.calls[0]?.[0]).toBeInstanceOf(InvariantViolation);
    expect(passes).toBe(1);
    expect(task.stats.failed).toBe(0);
  });
});
