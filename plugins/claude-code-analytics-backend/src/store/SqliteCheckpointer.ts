import { LoggerService } from '@backstage/backend-plugin-api';
import { Knex } from 'knex';
import { Worker } from 'node:worker_threads';
import { startSqliteThread } from './sqliteThread';

/** SQLite's own checkpoint threshold (pages), restored when the thread cannot run. */
const SQLITE_AUTOCHECKPOINT_PAGES = 1000;

/** Frames in the log past which the thread starts the log over (about 40 MiB of 4 KiB pages). */
const RESTART_FRAMES = 10_000;
/** Frames left to copy at most when it does (under a megabyte). */
const RESTART_LEFT_FRAMES = 200;
/** How long the thread waits for the writer and readers to let it start the log over. */
const RESTART_WAIT_MS = 20;
/**
 * How long the thread waits for the main thread to hold its connection before it starts the log
 * over without it.
 */
const PAUSE_WAIT_MS = 250;
/** How long the main thread holds its connection for the thread at most. */
const HOLD_LIMIT_MS = 1000;

/**
 * The thread: its own connection to the database file, and a PASSIVE checkpoint every interval
 * (it copies what the log holds into the file without waiting for, or blocking, readers and the
 * writer). Evaluated code, so that it loads the same way from TypeScript sources and from the
 * built package; the driver is required by the path the backend resolved.
 *
 * A passive checkpoint alone does not keep the log short under a stream of writes: SQLite starts
 * the log over only when a writer finds it wholly copied, and with commits following one another a
 * commit has always appended more by then (during the OTLP benchmark the log grew by 22 MB/s and
 * never started over; during a year's load it had reached 34 GB when the load was stopped, and every
 * page read searches an index of the log that grows with it). So once the log has grown past
 * `RESTART_FRAMES`, the thread copies what was appended meanwhile with a few more passive
 * checkpoints, and when at most `RESTART_LEFT_FRAMES` are left and the reading thread (SqliteReader,
 * which flags its reads in `reading`) is not reading, it starts the log over with a RESTART
 * checkpoint, which copies the rest and waits for readers of older snapshots while it holds the
 * write lock (`RESTART_WAIT_MS` of waiting at most, then it gives up until the next interval); the
 * next commit starts writing the log from its start and the main connection cuts the file back to
 * its `journal_size_limit`.
 *
 * Writers wait for the write lock synchronously, on the event loop: a RESTART that copied the
 * frames appended since the last passive checkpoint and synced them into the file held every
 * request for 25 to 208 ms, every two seconds of the OTLP benchmark. So before it, the thread asks
 * the main thread to hold its connection (a numbered request, in shared memory and a message):
 * once held, no statement can run on it (queries wait for the connection, the event loop goes on),
 * the thread copies what is left with one more passive checkpoint, and the RESTART finds nothing
 * to copy or sync. If the main thread does not take the connection within `PAUSE_WAIT_MS` (a long
 * transaction), the thread takes back its request and runs the RESTART without it; if the reading
 * thread began a read meanwhile, it lets the connection go and tries again at the next interval.
 */
const THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.filename, { fileMustExist: true, timeout: workerData.restartWaitMs });
db.pragma('synchronous = NORMAL');
const reading = workerData.reading ? new Int32Array(workerData.reading) : undefined;
const pause = workerData.pause ? new Int32Array(workerData.pause) : undefined;
const left = result => result.log - result.checkpointed;
// The request's number and its state in one value, so that each side changes it atomically for
// one request only (see the comment of SqliteCheckpointer.pause).
let request = 0;
const flag = state => ((request % 0x10000000) << 2) | state;
// True once the main thread holds its connection; false if it did not within the wait (the request
// is then taken back: whichever of the two comes first decides).
const holdWriters = () => {
  if (!pause) return false;
  request += 1;
  Atomics.store(pause, 0, flag(1));
  parentPort.postMessage({ type: 'pause', request: flag(0) });
  Atomics.wait(pause, 0, flag(1), workerData.pauseWaitMs);
  return Atomics.compareExchange(pause, 0, flag(1), 0) === flag(2);
};
// True if the main thread still held its connection (it lets go after a limit).
const releaseWriters = () => {
  const stillHeld = Atomics.exchange(pause, 0, 0) === flag(2);
  parentPort.postMessage({ type: 'resume', request: flag(0) });
  return stillHeld;
};
const timer = setInterval(() => {
  let held = false;
  try {
    let [result] = db.pragma('wal_checkpoint(PASSIVE)');
    let restartMs;
    let restartCopied;
    let heldWriters;
    if (result.log >= workerData.restartFrames) {
      for (let pass = 0; pass < 4 && left(result) > workerData.leftFrames; pass++) {
        [result] = db.pragma('wal_checkpoint(PASSIVE)');
      }
      const readingNow = () => reading && Atomics.load(reading, 0) > 0;
      if (left(result) <= workerData.leftFrames && !readingNow()) {
        held = holdWriters();
        // A read begun while the thread waited would hold the RESTART back: next interval.
        if (!held || !readingNow()) {
          const started = performance.now();
          if (held) {
            [result] = db.pragma('wal_checkpoint(PASSIVE)');
          }
          const copied = result.checkpointed;
          [result] = db.pragma('wal_checkpoint(RESTART)');
          restartMs = performance.now() - started;
          restartCopied = result.checkpointed - copied;
          heldWriters = held;
        }
        if (held) {
          held = false;
          heldWriters = releaseWriters() && heldWriters;
        }
      }
    }
    parentPort.postMessage({
      type: 'checkpoint',
      busy: result.busy,
      log: result.log,
      checkpointed: result.checkpointed,
      restarted: restartMs !== undefined && result.busy === 0,
      restartMs,
      restartCopied,
      heldWriters,
    });
  } catch (error) {
    parentPort.postMessage({ type: 'error', message: String(error) });
  } finally {
    if (held) {
      releaseWriters();
    }
  }
}, workerData.intervalMs);
parentPort.on('message', message => {
  if (message === 'stop') {
    clearInterval(timer);
    db.close();
    parentPort.close();
  }
});
parentPort.postMessage({ type: 'ready' });
`;

export type CheckpointReport = {
  busy: number;
  /** Frames in the log. */
  log: number;
  /** Frames of the log copied into the database file. */
  checkpointed: number;
  /** The log was wholly copied and the next commit starts it over. */
  restarted: boolean;
  /**
   * How long the attempt to start the log over took, from the moment the main thread held its
   * connection (if it did) until after the RESTART, if one was made.
   */
  restartMs?: number;
  /** Frames the RESTART checkpoint itself copied, with the write lock held, if one was made. */
  restartCopied?: number;
  /**
   * The main thread held its connection for the whole attempt (writers waited without holding
   * the event loop), if one was made.
   */
  heldWriters?: boolean;
};

/**
 * Checkpoints a SQLite database's write-ahead log from a worker thread.
 *
 * SQLite checkpoints on commit by default: the commit that takes the log past 1,000 pages copies
 * them into the database file and syncs it, on the connection's thread, which for the backend is
 * the event loop. At a year of an organisation's history those pages are scattered over gigabytes,
 * and that commit held every request for hundreds of milliseconds. Here the main connection never
 * checkpoints (`wal_autocheckpoint = 0`) while a thread with its own connection does, every
 * interval. If the thread cannot start or dies, the main connection checkpoints on commit again
 * (the log never grows without bound), and one error is logged.
 */
export class SqliteCheckpointer {
  private stopped = false;
  /** The thread is gone (stopped, failed or exited). */
  private exited = false;
  /** The main connection's autocheckpoint was turned off (so it is turned on again at the end). */
  private took = false;
  private lastReport: CheckpointReport | undefined;
  private restartCount = 0;
  /** While the main thread holds its connection: the request and what lets the connection go. */
  private held: { request: number; release: () => void } | undefined;
  private readonly reportListeners = new Set<
    (report: CheckpointReport) => void
  >();

  private constructor(
    private readonly knex: Knex,
    private readonly logger: LoggerService,
    private readonly worker: Worker,
    /**
     * The thread's request to hold the connection: its number times 4 plus its state (1: asked,
     * 2: held, 3: let go after the limit; 0: no request). Each side changes it with one atomic
     * compare-and-exchange on the value of one request, so that a late message or a request taken
     * back cannot be mistaken for another. Undefined when knex's pool has more than one connection
     * (holding one would hold no writer back).
     */
    private readonly pause: Int32Array | undefined,
  ) {}

  /**
   * Starts checkpointing the file of `knex` from a thread; nothing (undefined) for other databases
   * and for in-memory SQLite.
   */
  static async start(options: {
    knex: Knex;
    logger: LoggerService;
    intervalMs?: number;
    /** The reading thread's flag of reads under way (`SqliteReader.reading`). */
    reading?: SharedArrayBuffer;
    /** For tests: frames in the log past which it is started over. */
    restartFrames?: number;
  }): Promise<SqliteCheckpointer | undefined> {
    const { knex, logger } = options;
    const pool = (knex.client as { pool?: { max?: number } }).pool;
    const pause = pool?.max === 1 ? new SharedArrayBuffer(4) : undefined;
    const thread = startSqliteThread({
      knex,
      logger,
      code: THREAD,
      data: {
        intervalMs: options.intervalMs ?? 1000,
        restartFrames: options.restartFrames ?? RESTART_FRAMES,
        leftFrames: Math.min(
          RESTART_LEFT_FRAMES,
          Math.ceil((options.restartFrames ?? RESTART_FRAMES) / 5),
        ),
        reading: options.reading,
        restartWaitMs: RESTART_WAIT_MS,
        pause,
        pauseWaitMs: PAUSE_WAIT_MS,
      },
      unavailable:
        'SQLite checkpoints run on commit: better-sqlite3 could not be resolved for the checkpoint thread',
    });
    if (!thread) {
      return undefined;
    }
    const { worker } = thread;
    const checkpointer = new SqliteCheckpointer(
      knex,
      logger,
      worker,
      pause && new Int32Array(pause),
    );
    worker.on('message', message => {
      if (message.type === 'checkpoint') {
        checkpointer.reported(message);
      } else if (message.type === 'pause') {
        checkpointer
          .holdConnection(message.request)
          .catch(error =>
            logger.warn(
              `SQLite connection not let go after a checkpoint: ${error}`,
            ),
          );
      } else if (message.type === 'resume') {
        const held = checkpointer.held;
        if (held && held.request === message.request) {
          held.release();
        }
      } else if (message.type === 'error') {
        logger.warn(`SQLite checkpoint failed: ${message.message}`);
      }
    });
    worker.once('error', error => {
      logger.error(
        `SQLite checkpoints run on commit again: the checkpoint thread failed: ${error}`,
      );
      checkpointer.restoreAutocheckpoint();
    });
    worker.once('exit', code => {
      checkpointer.exited = true;
      checkpointer.held?.release();
      if (!checkpointer.stopped) {
        logger.error(
          `SQLite checkpoints run on commit again: the checkpoint thread exited (${code})`,
        );
        checkpointer.restoreAutocheckpoint();
      }
    });
    const ready = await thread.ready;
    if (!ready) {
      return undefined;
    }
    // Taken before the pragma: a thread that dies from here on gives checkpoints back.
    checkpointer.took = true;
    await knex.raw('PRAGMA wal_autocheckpoint = 0');
    if (checkpointer.exited) {
      await checkpointer.restoreAutocheckpoint();
      return undefined;
    }
    return checkpointer;
  }

  /** How many times the thread started the log over. */
  get restarts(): number {
    return this.restartCount;
  }

  /** The latest checkpoint the thread made, if any. */
  get last(): CheckpointReport | undefined {
    return this.lastReport;
  }

  /** Calls `listener` with every checkpoint report until the returned function is called. */
  onReport(listener: (report: CheckpointReport) => void): () => void {
    this.reportListeners.add(listener);
    return () => {
      this.reportListeners.delete(listener);
    };
  }

  /** Resolves with the next checkpoint report (for tests and benchmarks). */
  nextReport(): Promise<CheckpointReport> {
    return new Promise(resolve => {
      const stop = this.onReport(report => {
        stop();
        resolve(report);
      });
    });
  }

  /** Stops the thread; the main connection checkpoints on commit again. */
  async stop(): Promise<void> {
    if (this.stopped) {
      return;
    }
    this.stopped = true;
    if (!this.exited) {
      const exited = new Promise(resolve => this.worker.once('exit', resolve));
      this.worker.postMessage('stop');
      await exited;
    }
    await this.restoreAutocheckpoint();
  }

  /**
   * Holds the main connection for the thread's `request` (its number, with the state bits 0)
   * while it starts the log over: taken when the statements before have run (the pool's one
   * connection), so none runs meanwhile and nothing waits on the event loop; let go when the
   * thread says it is done with this request, when it exits, or after `HOLD_LIMIT_MS` (the thread
   * then learns that the hold ended early). If the thread took the request back before the
   * connection was free, the connection is let go at once.
   */
  private async holdConnection(request: number) {
    const pause = this.pause;
    if (!pause) {
      return;
    }
    let connection: unknown;
    try {
      connection = await this.knex.client.acquireConnection();
    } catch (error) {
      // The database is being closed (shutdown), or knex's acquire timeout: the thread has
      // stopped waiting by then.
      this.logger.debug(
        `SQLite connection not held for a checkpoint: ${error}`,
      );
      return;
    }
    try {
      if (
        Atomics.compareExchange(pause, 0, request | 1, request | 2) !==
        (request | 1)
      ) {
        return;
      }
      Atomics.notify(pause, 0);
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>(resolve => {
        this.held = { request, release: resolve };
        timer = setTimeout(() => {
          Atomics.compareExchange(pause, 0, request | 2, request | 3);
          resolve();
        }, HOLD_LIMIT_MS);
        if (this.exited) {
          resolve();
        }
      });
      clearTimeout(timer);
      this.held = undefined;
    } finally {
      await this.knex.client.releaseConnection(connection);
    }
  }

  private reported(report: CheckpointReport) {
    this.lastReport = report;
    if (report.restarted) {
      this.restartCount++;
    }
    if (report.restartMs !== undefined) {
      this.logger.debug(
        `SQLite write-ahead log of ${report.log} frames ${
          report.restarted ? 'started over' : 'not started over (busy)'
        }; writers held back ${report.restartMs.toFixed(1)} ms${
          report.heldWriters ? ' off the event loop' : ''
        }, ${report.restartCopied} frames copied by the restart`,
      );
    }
    for (const listener of [...this.reportListeners]) {
      listener(report);
    }
  }

  private async restoreAutocheckpoint() {
    if (!this.took) {
      return;
    }
    try {
      await this.knex.raw(
        `PRAGMA wal_autocheckpoint = ${SQLITE_AUTOCHECKPOINT_PAGES}`,
      );
    } catch (error) {
      // The database may already be closed at shutdown.
      this.logger.debug(`Could not restore SQLite autocheckpoint: ${error}`);
    }
  }
}
