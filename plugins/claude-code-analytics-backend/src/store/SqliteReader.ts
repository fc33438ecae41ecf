import { LoggerService } from '@backstage/backend-plugin-api';
import { Knex } from 'knex';
import { Worker } from 'node:worker_threads';
import { startSqliteThread } from './sqliteThread';
import { SQLITE_CACHE_KIB, SQLITE_MMAP_BYTES } from './tuneSqlite';

/** A query and its bindings. */
export type SqliteQuery = { sql: string; bindings: readonly Knex.Value[] };

type Row = Record<string, unknown>;

/** Reads rows for several queries from one snapshot of the database. */
export type SnapshotReader = (queries: SqliteQuery[]) => Promise<Row[][]>;

/** Prepared statements the thread keeps, the least recently used dropped first. */
const THREAD_STATEMENTS_KEPT = 64;

/**
 * The thread: its own connection to the database file, which only reads (`query_only`), with a page
 * cache and a memory map of the main connection's sizes (its own cache; the mapped pages are the
 * operating system's, shared). Each message is a list of queries, answered with
 * their rows read in one transaction (one snapshot, as the main connection's transactions see).
 * Statements that would write are refused before they run. A read under way is counted in
 * `reading` (shared memory), so that the checkpoint thread does not wait for it with the write lock
 * held. Evaluated code, as the checkpoint thread's.
 */
const THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.filename, { fileMustExist: true });
db.pragma('query_only = 1');
db.pragma('cache_size = -' + workerData.cacheKib);
db.pragma('mmap_size = ' + workerData.mmapBytes);
db.defaultSafeIntegers(workerData.safeIntegers);
const statements = new Map();
const prepared = sql => {
  let statement = statements.get(sql);
  if (statement) {
    statements.delete(sql);
  } else {
    statement = db.prepare(sql);
    if (!statement.reader || !statement.readonly) {
      throw new Error('the reading thread only runs queries that read: ' + sql.slice(0, 80));
    }
  }
  statements.set(sql, statement);
  if (statements.size > workerData.kept) {
    statements.delete(statements.keys().next().value);
  }
  return statement;
};
const reading = new Int32Array(workerData.reading);
const inTransaction = db.transaction(queries => queries.map(q => prepared(q.sql).all(q.bindings)));
const read = queries => {
  Atomics.add(reading, 0, 1);
  try {
    return inTransaction(queries);
  } finally {
    Atomics.sub(reading, 0, 1);
  }
};
parentPort.on('message', message => {
  if (message === 'stop') {
    db.close();
    parentPort.close();
    return;
  }
  try {
    parentPort.postMessage({ id: message.id, results: read(message.queries) });
  } catch (error) {
    parentPort.postMessage({ id: message.id, error: error && error.message ? error.message : String(error) });
  }
});
parentPort.postMessage({ type: 'ready' });
`;

/**
 * Reads on the connection of `knex` itself, in one transaction: for databases no thread can open
 * (in-memory SQLite), and when the thread is gone.
 */
export function readOnConnection(knex: Knex): SnapshotReader {
  return queries =>
    knex.transaction(async tx => {
      const results: Row[][] = [];
      for (const query of queries) {
        results.push(await tx.raw(query.sql, query.bindings));
      }
      return results;
    });
}

type Pending = {
  queries: SqliteQuery[];
  resolve: (results: Row[][]) => void;
  reject: (error: unknown) => void;
};

/**
 * Runs read-only queries of a SQLite database on a thread with its own connection to the file.
 *
 * Every statement on knex's better-sqlite3 connection runs on the event loop: a rollup statement
 * summing a department's or the whole organisation's day held every request (OTLP exports above
 * all) for tens to hundreds of milliseconds at a year of history. Read on this thread, such a sum
 * holds nothing: SQLite's write-ahead log lets a reader see the last commit while the main
 * connection writes, and the main thread only writes what the sums changed. If the thread cannot
 * start or dies, the reads run on the main connection again (one error is logged).
 */
export class SqliteReader {
  private nextId = 0;
  private readonly pending = new Map<number, Pending>();
  private gone = false;
  private stopped = false;

  private constructor(
    private readonly knex: Knex,
    private readonly logger: LoggerService,
    private readonly worker: Worker,
    /** Reads under way on the thread (an Int32 in shared memory), for the checkpoint thread. */
    readonly reading: SharedArrayBuffer,
  ) {}

  /** Starts the thread for the file of `knex`; undefined for other databases and in-memory SQLite. */
  static async start(options: {
    knex: Knex;
    logger: LoggerService;
  }): Promise<SqliteReader | undefined> {
    const { knex, logger } = options;
    const safeIntegers =
      (
        knex.client as {
          connectionSettings?: { options?: { safeIntegers?: unknown } };
        }
      ).connectionSettings?.options?.safeIntegers === true;
    const reading = new SharedArrayBuffer(4);
    const thread = startSqliteThread({
      knex,
      logger,
      code: THREAD,
      data: {
        safeIntegers,
        cacheKib: SQLITE_CACHE_KIB,
        mmapBytes: SQLITE_MMAP_BYTES,
        kept: THREAD_STATEMENTS_KEPT,
        reading,
      },
      unavailable:
        'SQLite rollups read on the event loop: better-sqlite3 could not be resolved for the reading thread',
    });
    if (!thread) {
      return undefined;
    }
    const { worker } = thread;
    const reader = new SqliteReader(knex, logger, worker, reading);
    worker.on('message', message => reader.answered(message));
    worker.once('error', error =>
      reader.lost(`the reading thread failed: ${error}`),
    );
    worker.once('exit', code =>
      reader.lost(`the reading thread exited (${code})`),
    );
    const ready = await thread.ready;
    return ready ? reader : undefined;
  }

  /**
   * Reads the rows of `queries` from one snapshot of the database (the last commit when the read
   * begins), off the event loop; on the main connection if the thread is gone.
   */
  readonly read: SnapshotReader = queries => {
    if (this.gone) {
      return readOnConnection(this.knex)(queries);
    }
    return new Promise((resolve, reject) => {
      const id = ++this.nextId;
      this.pending.set(id, { queries, resolve, reject });
      this.worker.postMessage({ id, queries });
    });
  };

  /** Stops the thread; reads asked for later run on the main connection. */
  async stop(): Promise<void> {
    if (this.stopped) {
      return;
    }
    this.stopped = true;
    if (!this.gone) {
      const exited = new Promise(resolve => this.worker.once('exit', resolve));
      this.worker.postMessage('stop');
      await exited;
    }
  }

  private answered(message: { id: number; results?: Row[][]; error?: string }) {
    const pending = this.pending.get(message.id);
    if (!pending) {
      return;
    }
    this.pending.delete(message.id);
    if (message.error !== undefined) {
      pending.reject(new Error(message.error));
    } else {
      pending.resolve(message.results!);
    }
  }

  /** The thread is gone: reads waiting for it run on the main connection. */
  private lost(reason: string) {
    if (this.gone) {
      return;
    }
    this.gone = true;
    // A thread ended in the middle of a read left it counted.
    Atomics.store(new Int32Array(this.reading), 0, 0);
    if (!this.stopped) {
      this.logger.error(
        `SQLite rollups read on the event loop again: ${reason}`,
      );
    }
    const waiting = [...this.pending.values()];
    this.pending.clear();
    for (const { queries, resolve, reject } of waiting) {
      readOnConnection(this.knex)(queries).then(resolve, reject);
    }
  }
}
