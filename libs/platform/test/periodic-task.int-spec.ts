import pino from 'pino';
import { waitUntil } from '@credit/testing';
import type { DataSource, EntityManager } from 'typeorm';
import {
  type LeaderLock,
  PeriodicTask,
  PgNotifier,
  createDataSource,
  notifyOnCommit,
  recreateTestDatabase,
} from '../src';

const postgresUrl = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432';
const database = 'credit_test_periodic_task';
const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

describe('PeriodicTask and PgNotifier on a real PostgreSQL', () => {
  let dataSources: DataSource[];

  beforeAll(async () => {
    const url = await recreateTestDatabase(database);
    // Two "instances": two pools, as two processes would have.
    dataSources = await Promise.all(
      [1, 2].map((i) =>
        createDataSource({
          url,
          poolMax: 4,
          migrationsTableName: 'test_migrations',
          entities: [],
          migrations: [],
          applicationName: `periodic-test-${i}`,
        }).initialize(),
      ),
    );
    await dataSources[0]!.query(
      `CREATE TABLE work_items (id int PRIMARY KEY, done_count int NOT NULL DEFAULT 0, done_by text)`,
    );
  });

  afterAll(async () => {
    await Promise.all(dataSources.map((ds) => ds.destroy()));
  });

  /**
   * A deliberately racy unit of work: read what is pending, pause, then count it done. Two
   * instances doing this at once would count items twice; the leader lock must prevent it.
   */
  const racyPass = (db: Pick<EntityManager, 'query'>, name: string) => async () => {
    const pending = await db.query<{ id: number }[]>(
      `SELECT id FROM work_items WHERE done_count = 0 ORDER BY id LIMIT 20`,
    );
    if (pending.length === 0) return {};
    await db.query(`SELECT pg_sleep(0.05)`);
    await db.query(
      `UPDATE work_items SET done_count = done_count + 1, done_by = $2 WHERE id = ANY($1)`,
      [pending.map((p) => p.id), name],
    );
    return { more: true };
  };

  it.each<[string, LeaderLock]>([
    ['session', { scope: 'session', key: '900000000000000001' }],
    ['transaction', { scope: 'transaction', key: '900000000000000002' }],
  ])(
    'two instances racing with a %s-scoped leader lock do each unit of work once',
    async (_scope, leaderLock) => {
      await dataSources[0]!.query(`TRUNCATE work_items`);
      const tasks = dataSources.map(
        (ds, i) =>
          new PeriodicTask(
            { name: `racer-${i}`, intervalMs: 10, leaderLock },
            // With a transaction-scoped lock the work goes in the lock's transaction.
            ({ manager }) => racyPass(manager ?? ds, `racer-${i}`)(),
            logger,
            ds,
          ),
      );
      tasks.forEach((task) => task.start());
      try {
        for (let wave = 0; wave < 5; wave++) {
          await dataSources[0]!.query(
            `INSERT INTO work_items (id) SELECT g FROM generate_series($1::int, $1::int + 39) g`,
            [wave * 40],
          );
          tasks.forEach((task) => task.wake());
          await waitUntil('the wave done', async () => {
            const [row] = await dataSources[0]!.query<{ n: number }[]>(
              `SELECT count(*)::int AS n FROM work_items WHERE done_count = 0`,
            );
            return row?.n === 0;
          });
        }
      } finally {
        await Promise.all(tasks.map((task) => task.stop()));
      }
      const [counts] = await dataSources[0]!.query<{ total: number; twice: number }[]>(
        `SELECT count(*)::int AS total, count(*) FILTER (WHERE done_count <> 1)::int AS twice FROM work_items`,
      );
      expect(counts).toEqual({ total: 200, twice: 0 });
      // Both instances tried; while one held the lock the other skipped.
      const stats = tasks.map((task) => task.stats);
      expect(stats.every((s) => s.ran + s.skipped > 0)).toBe(true);
      expect(stats.reduce((sum, s) => sum + s.failed, 0)).toBe(0);
    },
  );

  it('without a lock the same racy work is done twice (the test above can fail)', async () => {
    await dataSources[0]!.query(`TRUNCATE work_items`);
    await dataSources[0]!.query(
      `INSERT INTO work_items (id) SELECT g FROM generate_series(1, 20) g`,
    );
    const tasks = dataSources.map(
      (ds, i) =>
        new PeriodicTask(
          { name: `unlocked-${i}`, intervalMs: 60_000, runAtStart: false },
          racyPass(ds, `unlocked-${i}`),
          logger,
        ),
    );
    // Both passes start together: both read the same pending rows.
    await Promise.all(tasks.map((task) => task.runNow()));
    const [row] = await dataSources[0]!.query<{ twice: number }[]>(
      `SELECT count(*)::int AS twice FROM work_items WHERE done_count > 1`,
    );
    expect(row?.twice).toBe(20);
  });

  it('wakes at once on wake(), never overlaps its passes, and stops cleanly', async () => {
    let inPass = 0;
    let overlapped = false;
    let passes = 0;
    const task = new PeriodicTask(
      { name: 'sleepy', intervalMs: 600_000, runAtStart: false },
      async () => {
        inPass++;
        if (inPass > 1) overlapped = true;
        await new Promise((resolve) => setImmediate(resolve));
        passes++;
        inPass--;
        return {};
      },
      logger,
    );
    task.start();
    task.wake();
    await waitUntil('the woken pass', () => passes >= 1);
    await Promise.all([task.runNow(), task.runNow(), task.runNow()]);
    task.wake();
    await waitUntil('a second woken pass', () => passes >= 5);
    await task.stop();
    expect(overlapped).toBe(false);
    expect(task.isRunning).toBe(false);
  });

  it('a NOTIFY reaches every listener only when its transaction commits, and after the listening connection is killed', async () => {
    const notifiers = [1, 2].map(
      (i) => new PgNotifier(`${postgresUrl}/${database}`, logger, `notifier-test-${i}`),
    );
    const heard = [0, 0];
    notifiers.forEach((notifier, i) =>
      notifier.listen('test_work_ready', () => (heard[i] = heard[i]! + 1)),
    );
    await Promise.all(notifiers.map((n) => n.start()));
    try {
      // start() and each reconnect call the handlers once: count from here.
      await waitUntil('connected', () => Promise.resolve(notifiers.every((n) => n.connected)));
      const before = [...heard];
      const ds = dataSources[0]!;
      await ds.transaction(async (manager) => {
        await notifyOnCommit(manager, 'test_work_ready');
        await manager.query(`SELECT pg_sleep(0.2)`);
        expect(heard).toEqual(before);
      });
      await waitUntil('both listeners heard the commit', () =>
        Promise.resolve(heard.every((n, i) => n > before[i]!)),
      );
      // A rolled-back transaction notifies nobody: only the committed one after it is heard.
      const second = heard[1]!;
      await ds
        .transaction(async (manager) => {
          await notifyOnCommit(manager, 'test_work_ready');
          throw new Error('rolled back');
        })
        .catch(() => undefined);
      await ds.transaction((manager) => notifyOnCommit(manager, 'test_work_ready'));
      await waitUntil('the committed notification', () => heard[1]! > second);
      expect(heard[1]).toBe(second + 1);

      // A database restart, as far as the listener sees it: its connection is terminated.
      await ds.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'notifier-test-1'`,
      );
      await waitUntil('the listener reconnected', async () => {
        const [row] = await ds.query<{ n: number }[]>(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'notifier-test-1'`,
        );
        return row?.n === 1 && notifiers[0]!.connected;
      });
      const afterReconnect = heard[0]!;
      await ds.transaction((manager) => notifyOnCommit(manager, 'test_work_ready'));
      await waitUntil('heard after the reconnect', () => heard[0]! > afterReconnect);
    } finally {
      await Promise.all(notifiers.map((n) => n.stop()));
    }
  });
});
