import { mockServices } from '@backstage/backend-test-utils';
import knexFactory, { Knex } from 'knex';
import fs from 'node:fs';
import path from 'node:path';
import { createTestDatabases } from '../__testUtils__/createTestDatabases';
import { openSqliteFile } from '../__testUtils__/openSqliteFile';
import { CheckpointReport, SqliteCheckpointer } from './SqliteCheckpointer';

jest.setTimeout(60_000);

const autocheckpoint = async (knex: Knex) =>
  (await knex.raw('PRAGMA wal_autocheckpoint'))[0].wal_autocheckpoint;

/**
 * A checkpointer of `knex` checking every 20 ms and starting the log over past 1,000 frames, with
 * the reports of its attempts to start the log over until `stopListening`.
 */
async function startWatched(knex: Knex) {
  const logger = mockServices.logger.mock();
  const checkpointer = (await SqliteCheckpointer.start({
    knex,
    logger,
    intervalMs: 20,
    restartFrames: 1000,
  }))!;
  const restarts: CheckpointReport[] = [];
  const stopListening = checkpointer.onReport(report => {
    if (report.restartMs !== undefined) {
      restarts.push(report);
    }
  });
  return { checkpointer, logger, restarts, stopListening };
}

/** The thread's messages (asking for the connection, letting it go), as they arrive. */
function onThreadMessage(
  checkpointer: SqliteCheckpointer,
  listener: (message: any) => void,
) {
  (
    checkpointer as unknown as {
      worker: { on(event: 'message', listener: (m: any) => void): void };
    }
  ).worker.on('message', listener);
}

/**
 * The first report of a checkpoint that copied a whole log of a big write. Reports sent while the
 * write held the event loop are read first: wait for one made after it.
 */
async function fullCheckpointAfterWrite(checkpointer: SqliteCheckpointer) {
  let report = await checkpointer.nextReport();
  for (
    let i = 0;
    i < 100 && (report.log < 1000 || report.checkpointed < report.log);
    i++
  ) {
    report = await checkpointer.nextReport();
  }
  return report;
}

describe('SqliteCheckpointer', () => {
  let directory: string;
  let knex: Knex;
  let remove: () => Promise<void>;

  beforeEach(async () => {
    ({ knex, directory, remove } = await openSqliteFile('cca-checkpoint-'));
    await knex.schema.createTable('rows', table => {
      table.integer('id').primary();
      table.string('text');
    });
  });

  afterEach(async () => {
    await remove();
  });

  const write = async (from: number, count: number) => {
    await knex.transaction(async tx => {
      for (let i = from; i < from + count; i += 100) {
        await tx('rows').insert(
          Array.from({ length: Math.min(100, from + count - i) }, (_, j) => ({
            id: i + j,
            text: 'x'.repeat(500),
          })),
        );
      }
    });
    // Between writes the event loop turns, as a server's does between requests (the writes
    // themselves only wait for promises): the thread's messages are handled there.
    await new Promise(resolve => setImmediate(resolve));
  };

  it('checkpoints the log from a thread while the main connection never does', async () => {
    const logger = mockServices.logger.mock();
    const checkpointer = await SqliteCheckpointer.start({
      knex,
      logger,
      intervalMs: 20,
    });
    expect(checkpointer).toBeDefined();
    expect(await autocheckpoint(knex)).toBe(0);

    // Far more than SQLite's 1,000-page threshold: without the thread the log would only grow.
    await write(0, 20_000);
    const report = await fullCheckpointAfterWrite(checkpointer!);
    expect(report.log).toBeGreaterThan(1000);
    expect(report.checkpointed).toBe(report.log);
    // Once everything was copied, later writes reuse the log from its start: it does not grow
    // round after round.
    const logs: number[] = [];
    for (let round = 1; round <= 4; round++) {
      await write(20_000 * round, 20_000);
      logs.push((await fullCheckpointAfterWrite(checkpointer!)).log);
    }
    expect(Math.max(...logs)).toBeLessThan(2 * report.log);
    expect((await knex('rows').count({ n: '*' }))[0].n).toBe(100_000);

    await checkpointer!.stop();
    expect(await autocheckpoint(knex)).toBe(1000);
    expect(logger.error).not.toHaveBeenCalled();
  });

  it('starts the log over while writes follow one another without a pause', async () => {
    const logger = mockServices.logger.mock();
    const restartFrames = 1000;
    const checkpointer = await SqliteCheckpointer.start({
      knex,
      logger,
      intervalMs: 20,
      restartFrames,
    });
    // Commits one after another (a stream of exports, a year's load): a passive checkpoint never
    // finds the log wholly copied when the next commit comes, so without starting it over the log
    // file only grows (to about 43 MB here: the whole table).
    const logPath = path.join(directory, 'analytics.sqlite-wal');
    let largestLogFile = 0;
    for (let from = 0; from < 100_000; from += 100) {
      await write(from, 100);
      largestLogFile = Math.max(largestLogFile, fs.statSync(logPath).size);
    }
    expect((await knex('rows').count({ n: '*' }))[0].n).toBe(100_000);
    // Started over around the limit: the file never held five times as many frames of 4 KiB.
    expect(largestLogFile).toBeGreaterThan(0);
    expect(largestLogFile).toBeLessThan(5 * restartFrames * 4096);
    await checkpointer!.stop();
    expect(logger.error).not.toHaveBeenCalled();
  });

  it('starts the log over with the main connection held, so that writers never wait for the lock on the event loop', async () => {
    const { checkpointer, logger, restarts, stopListening } =
      await startWatched(knex);
    // The thread's messages: while it holds the main connection ('pause' to 'resume'), a query
    // waits for the connection and the event loop goes on.
    const holds: { queryAfterResume: Promise<boolean>; turned: boolean }[] = [];
    let resumed = () => {};
    onThreadMessage(checkpointer, message => {
      if (message?.type === 'pause') {
        const hold = {
          turned: false,
          queryAfterResume: Promise.resolve(false),
        };
        let resumedYet = false;
        resumed = () => {
          resumedYet = true;
        };
        setImmediate(() => {
          hold.turned = !resumedYet;
        });
        hold.queryAfterResume = knex('rows')
          .count({ n: '*' })
          .then(() => resumedYet);
        holds.push(hold);
      } else if (message?.type === 'resume') {
        resumed();
      }
    });
    for (let from = 0; from < 60_000; from += 100) {
      await write(from, 100);
    }
    // The reports sent while the writes held the event loop arrive.
    await new Promise(resolve => setTimeout(resolve, 200));
    stopListening();
    expect((await knex('rows').count({ n: '*' }))[0].n).toBe(60_000);

    // The main connection was held (most of the time: a main thread that does not take it within
    // 250 ms, say during a pause of the garbage collector, makes the thread go on without it), the
    // rest copied before the RESTART: it copied nothing while holding the write lock.
    const held = restarts.filter(report => report.heldWriters);
    expect(held.length).toBeGreaterThan(0);
    expect(held.length).toBeGreaterThanOrEqual(restarts.length / 2);
    for (const report of held) {
      expect(report.restartCopied).toBe(0);
    }
    expect(checkpointer.restarts).toBeGreaterThan(0);
    expect(holds.length).toBeGreaterThanOrEqual(restarts.length);
    const queriesAfterResume = await Promise.all(
      holds.map(hold => hold.queryAfterResume),
    );
    // A query sent when the thread asked completed after it let go, at least for each restart
    // made with the connection held (a request taken back lets its query run at once).
    expect(queriesAfterResume.filter(Boolean).length).toBeGreaterThanOrEqual(
      held.length,
    );
    // (A hold can be shorter than a turn of the event loop: nothing left to copy.)
    expect(holds.some(hold => hold.turned)).toBe(true);
    await checkpointer.stop();
    expect(logger.error).not.toHaveBeenCalled();
    expect(logger.warn).not.toHaveBeenCalled();
  });

  it('takes its request back when the main connection stays busy, and the connection is not kept', async () => {
    const { checkpointer, logger, restarts, stopListening } =
      await startWatched(knex);
    // Past the limit, then a transaction holds the connection (and the write lock) for longer
    // than the thread waits for it.
    await write(0, 20_000);
    await knex.transaction(async tx => {
      await tx('rows').insert({ id: 20_000, text: 'held' });
      await new Promise(resolve => setTimeout(resolve, 1000));
    });
    const given = restarts.filter(report => !report.heldWriters);
    expect(given.length).toBeGreaterThan(0);
    // The RESTART without the connection held found the write lock taken and gave up.
    expect(given.every(report => !report.restarted)).toBe(true);

    // The requests taken back do not leave the connection held: queries run, and the log is
    // started over later with the connection held.
    const started = Date.now();
    expect((await knex('rows').count({ n: '*' }))[0].n).toBe(20_001);
    expect(Date.now() - started).toBeLessThan(500);
    for (
      let i = 0;
      i < 200 && !restarts.some(r => r.heldWriters && r.restarted);
      i++
    ) {
      await write(21_000 + i * 100, 100);
    }
    stopListening();
    expect(restarts.some(r => r.heldWriters && r.restarted)).toBe(true);
    await checkpointer.stop();
    expect(logger.error).not.toHaveBeenCalled();
  });

  it('does not ask for the connection when knex keeps several (holding one would hold no writer back)', async () => {
    const several = knexFactory({
      client: 'better-sqlite3',
      connection: { filename: path.join(directory, 'analytics.sqlite') },
      useNullAsDefault: true,
      pool: { min: 1, max: 2 },
    });
    try {
      await several.raw('PRAGMA journal_mode = WAL');
      const { checkpointer, logger, restarts, stopListening } =
        await startWatched(several);
      const pauses: unknown[] = [];
      onThreadMessage(checkpointer, message => {
        if (message?.type === 'pause') {
          pauses.push(message);
        }
      });
      for (let from = 0; from < 30_000; from += 100) {
        await several.transaction(async tx => {
          await tx('rows').insert(
            Array.from({ length: 100 }, (_, j) => ({
              id: from + j,
              text: 'x'.repeat(500),
            })),
          );
        });
        await new Promise(resolve => setImmediate(resolve));
      }
      await new Promise(resolve => setTimeout(resolve, 200));
      stopListening();
      expect(restarts.length).toBeGreaterThan(0);
      expect(restarts.every(report => report.heldWriters === false)).toBe(true);
      expect(pauses).toEqual([]);
      await checkpointer.stop();
      expect(logger.error).not.toHaveBeenCalled();
    } finally {
      await several.destroy();
    }
  });

  it('does not start the log over while the reading thread reads', async () => {
    const logger = mockServices.logger.mock();
    const reading = new SharedArrayBuffer(4);
    const flag = new Int32Array(reading);
    const checkpointer = await SqliteCheckpointer.start({
      knex,
      logger,
      intervalMs: 20,
      restartFrames: 1000,
      reading,
    });
    const writeStream = async (from: number) => {
      for (let row = from; row < from + 30_000; row += 100) {
        await write(row, 100);
      }
      // The reports sent while the writes held the event loop arrive.
      await new Promise(resolve => setTimeout(resolve, 200));
    };
    // A read under way on the reading thread: waiting for it would hold writers back.
    Atomics.store(flag, 0, 1);
    await writeStream(0);
    expect(checkpointer!.restarts).toBe(0);
    Atomics.store(flag, 0, 0);
    await writeStream(30_000);
    expect(checkpointer!.restarts).toBeGreaterThan(0);
    await checkpointer!.stop();
    expect(logger.error).not.toHaveBeenCalled();
  });

  it('gives checkpoints back to the main connection when the thread dies', async () => {
    const logger = mockServices.logger.mock();
    const checkpointer = await SqliteCheckpointer.start({
      knex,
      logger,
      intervalMs: 20,
    });
    expect(await autocheckpoint(knex)).toBe(0);
    await (
      checkpointer as unknown as { worker: { terminate(): Promise<number> } }
    ).worker.terminate();
    for (let i = 0; i < 100 && (await autocheckpoint(knex)) !== 1000; i++) {
      await new Promise(resolve => setTimeout(resolve, 10));
    }
    expect(await autocheckpoint(knex)).toBe(1000);
    expect(logger.error).toHaveBeenCalledWith(
      expect.stringContaining('SQLite checkpoints run on commit again'),
    );
    // Shutdown does not wait for a thread that is already gone.
    await expect(checkpointer!.stop()).resolves.toBeUndefined();
    expect(await autocheckpoint(knex)).toBe(1000);
  });

  it('does not start on a file that does not exist', async () => {
    const logger = mockServices.logger.mock();
    const missing = knexFactory({
      client: 'better-sqlite3',
      connection: { filename: path.join(directory, 'missing', 'x.sqlite') },
      useNullAsDefault: true,
    });
    try {
      await expect(
        SqliteCheckpointer.start({ knex: missing, logger }),
      ).resolves.toBeUndefined();
      expect(logger.error).toHaveBeenCalledWith(
        expect.stringContaining('the checkpoint thread failed'),
      );
    } finally {
      await missing.destroy();
    }
  });

  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    'is not started for in-memory SQLite or other databases, on %p',
    async databaseId => {
      const test = await databases.init(databaseId);
      await expect(
        SqliteCheckpointer.start({
          knex: test,
          logger: mockServices.logger.mock(),
        }),
      ).resolves.toBeUndefined();
    },
  );
});
