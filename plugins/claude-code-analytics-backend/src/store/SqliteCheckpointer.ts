import { LoggerService } from '@backstage/backend-plugin-api';
import { Knex } from 'knex';
import { Worker } from 'node:worker_threads';
import { resolveSqliteDriver, sqliteFileOf } from './sqliteThread';

/** SQLite's own checkpoint threshold (pages), restored when the thread cannot run. */
const SQLITE_AUTOCHECKPOINT_PAGES = 1000;

/** Frames in the log past which the thread starts the log over (about 40 MiB of 4 KiB pages). */
const RESTART_FRAMES = 10_000;
/** How long the thread waits for the writer and readers to let it start the log over. */
const RESTART_WAIT_MS = 50;

/**
 * The thread: its own connection to the database file, and a PASSIVE checkpoint every interval
 * (it copies what the log holds into the file without waiting for, or blocking, readers and the
 * writer). Evaluated code, so that it loads the same way from TypeScript sources and from the
 * built package; the driver is required by the path the backend resolved.
 *
 * A passive checkpoint alone does not keep the log short under a stream of writes: SQLite starts
 * the log over only when a writer finds it wholly copied, and with commits following one another a
 * commit has always appended more by then (during the OTLP benchmark the log grew by 22 MB/s and
 * never started over; during a year's load it reached 12 GB, and every page read searches an index
 * of the log that grows with it). So when the log has grown past `RESTART_FRAMES` and the passive
 * checkpoint left at most a fifth of that uncopied, a RESTART checkpoint copies those and waits for the readers,
 * holding writers back for that long (`RESTART_WAIT_MS` of waiting at most), so that the next commit
 * starts the log over; the main connection then truncates the file to its `journal_size_limit`.
 * A log that outgrows four times the limit (the passive checkpoints not catching up) is started
 * over whatever is left to copy.
 */
const THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.filename, { fileMustExist: true, timeout: workerData.restartWaitMs });
db.pragma('synchronous = NORMAL');
const timer = setInterval(() => {
  try {
    let [result] = db.pragma('wal_checkpoint(PASSIVE)');
    let restarted = false;
    if (
      result.log >= workerData.restartFrames &&
      (result.log - result.checkpointed <= workerData.catchUpFrames ||
        result.log >= 4 * workerData.restartFrames)
    ) {
      [result] = db.pragma('wal_checkpoint(RESTART)');
      restarted = result.busy === 0;
    }
    parentPort.postMessage({ type: 'checkpoint', busy: result.busy, log: result.log, checkpointed: result.checkpointed, restarted });
  } catch (error) {
    parentPort.postMessage({ type: 'error', message: String(error) });
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
  private readonly reportListeners = new Set<
    (report: CheckpointReport) => void
  >();

  private constructor(
    private readonly knex: Knex,
    private readonly logger: LoggerService,
    private readonly worker: Worker,
  ) {}

  /**
   * Starts checkpointing the file of `knex` from a thread; nothing (undefined) for other databases
   * and for in-memory SQLite.
   */
  static async start(options: {
    knex: Knex;
    logger: LoggerService;
    intervalMs?: number;
    /** For tests: frames in the log past which it is started over. */
    restartFrames?: number;
  }): Promise<SqliteCheckpointer | undefined> {
    const { knex, logger } = options;
    const filename = sqliteFileOf(knex);
    if (!filename) {
      return undefined;
    }
    const driver = resolveSqliteDriver();
    if (!driver) {
      logger.warn(
        'SQLite checkpoints run on commit: better-sqlite3 could not be resolved for the checkpoint thread',
      );
      return undefined;
    }
    const worker = new Worker(THREAD, {
      eval: true,
      workerData: {
        driver,
        filename,
        intervalMs: options.intervalMs ?? 1000,
        restartFrames: options.restartFrames ?? RESTART_FRAMES,
        catchUpFrames: Math.ceil((options.restartFrames ?? RESTART_FRAMES) / 5),
        restartWaitMs: RESTART_WAIT_MS,
      },
    });
    const checkpointer = new SqliteCheckpointer(knex, logger, worker);
    const ready = await new Promise<boolean>(resolve => {
      worker.on('message', message => {
        if (message.type === 'ready') {
          resolve(true);
        } else if (message.type === 'checkpoint') {
          checkpointer.reported(message);
        } else if (message.type === 'error') {
          logger.warn(`SQLite checkpoint failed: ${message.message}`);
        }
      });
      worker.once('error', error => {
        logger.error(
          `SQLite checkpoints run on commit again: the checkpoint thread failed: ${error}`,
        );
        resolve(false);
        checkpointer.restoreAutocheckpoint();
      });
      worker.once('exit', code => {
        checkpointer.exited = true;
        if (!checkpointer.stopped) {
          logger.error(
            `SQLite checkpoints run on commit again: the checkpoint thread exited (${code})`,
          );
          resolve(false);
          checkpointer.restoreAutocheckpoint();
        }
      });
    });
    // Shutdown stops it; it does not keep the process alive by itself.
    worker.unref();
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

  /** The latest checkpoint the thread made, if any. */
  get last(): CheckpointReport | undefined {
    return this.lastReport;
  }

  /** Resolves with the next checkpoint report (for tests and benchmarks). */
  nextReport(): Promise<CheckpointReport> {
    return new Promise(resolve => {
      const listener = (report: CheckpointReport) => {
        this.reportListeners.delete(listener);
        resolve(report);
      };
      this.reportListeners.add(listener);
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

  private reported(report: CheckpointReport) {
    this.lastReport = report;
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
