import { LoggerService } from '@backstage/backend-plugin-api';
import { Knex } from 'knex';
import path from 'node:path';
import { Worker } from 'node:worker_threads';

/**
 * The file of a better-sqlite3 database that a thread can open with its own connection; undefined
 * for other databases and for in-memory SQLite (which only its own connection sees).
 */
function sqliteFileOf(knex: Knex): string | undefined {
  const filename: unknown = (
    knex.client as { connectionSettings?: { filename?: unknown } }
  ).connectionSettings?.filename;
  if (
    String(knex.client.config.client) !== 'better-sqlite3' ||
    typeof filename !== 'string' ||
    filename === '' ||
    filename.startsWith(':memory:') ||
    filename.startsWith('file::memory:')
  ) {
    return undefined;
  }
  return filename;
}

/**
 * The better-sqlite3 that knex loads (resolved from knex's own location, as knex requires it), or
 * the one this package resolves; undefined when neither can be found. Threads run evaluated code,
 * so that they load the same way from TypeScript sources and from the built package, and require
 * the driver by this path.
 */
function resolveSqliteDriver(): string | undefined {
  for (const paths of [[path.dirname(require.resolve('knex'))], undefined]) {
    try {
      return require.resolve('better-sqlite3', paths ? { paths } : undefined);
    } catch {
      // Try the next place.
    }
  }
  return undefined;
}

/**
 * Starts a thread of evaluated `code` with its own connection to the file of `knex`: the code gets
 * `workerData.driver` (the path of better-sqlite3) and `workerData.filename` besides `data`, and
 * posts `{ type: 'ready' }` once its connection is open. Undefined for other databases and
 * in-memory SQLite, and when the driver cannot be found (`unavailable` is then logged as a
 * warning). `ready` is false if the thread failed or exited before it was ready; the thread does
 * not keep the process alive once it has settled. The caller listens for the thread's other
 * messages, its errors and its exit.
 */
export function startSqliteThread(options: {
  knex: Knex;
  logger: LoggerService;
  code: string;
  data: Record<string, unknown>;
  unavailable: string;
}): { worker: Worker; ready: Promise<boolean> } | undefined {
  const filename = sqliteFileOf(options.knex);
  if (!filename) {
    return undefined;
  }
  const driver = resolveSqliteDriver();
  if (!driver) {
    options.logger.warn(options.unavailable);
    return undefined;
  }
  const worker = new Worker(options.code, {
    eval: true,
    workerData: { ...options.data, driver, filename },
  });
  const ready = new Promise<boolean>(resolve => {
    worker.on('message', message => {
      if (message?.type === 'ready') {
        resolve(true);
      }
    });
    worker.once('error', () => resolve(false));
    worker.once('exit', () => resolve(false));
  });
  // Shutdown stops it; it does not keep the process alive by itself.
  return { worker, ready: ready.finally(() => worker.unref()) };
}
