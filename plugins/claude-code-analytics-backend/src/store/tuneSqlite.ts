import { Knex } from 'knex';
import { cacheSqliteStatements } from './cacheSqliteStatements';
import { isSqlite } from './isSqlite';

/**
 * The page cache of the connection, in KiB: SQLite's default is 2 MiB, which at a year of an
 * organisation's history (gigabytes) makes the rollups' reads and index updates go to the file for
 * most pages; 64 MiB took the slowest rollup statements of the OTLP benchmark from 224 ms to 30 ms.
 */
export const SQLITE_CACHE_KIB = 65536;

/**
 * On SQLite (the embedded default), a write-ahead log with normal synchronisation: commits no longer
 * wait for two file syncs each, readers do not block the writer, and a crash can lose at most the
 * last commits, never corrupt the file; a page cache sized for a year of history; and prepared
 * statements kept for the next query of the same SQL. Knex keeps one connection to SQLite, which
 * these settings apply to. Nothing to do on other databases.
 */
export async function tuneSqlite(knex: Knex): Promise<void> {
  if (!isSqlite(knex)) {
    return;
  }
  cacheSqliteStatements(knex);
  await knex.raw('PRAGMA journal_mode = WAL');
  await knex.raw('PRAGMA synchronous = NORMAL');
  await knex.raw(`PRAGMA cache_size = -${SQLITE_CACHE_KIB}`);
}
