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
 * The bytes of the database file SQLite reads through a memory map instead of `read` calls: the
 * largest its default build allows (just under 2 GiB). At a year of an organisation's history the
 * writers' index updates miss the page cache on most pages; through the map such a miss is a
 * memory access, not a system call and a copy. OTLP benchmark at full scale, four alternating runs
 * each: 479 exports/s mean and p99 224–307 ms without, 548/s and p99 208–241 ms with (later runs
 * with it spread more widely than the difference: 270–521/s, p99 223–616 ms). The pages are
 * the operating system's file cache, shared and reclaimable; a read error of the disk would end
 * the process (SIGBUS) instead of failing one statement.
 */
export const SQLITE_MMAP_BYTES = 2_147_418_112;

/**
 * The size the write-ahead log file is cut back to when it is started over (SQLite leaves it at
 * its largest otherwise): the checkpoint thread starts it over at about 40 MiB.
 */
export const SQLITE_LOG_LIMIT_BYTES = 64 * 1024 * 1024;

/**
 * On SQLite (the embedded default), a write-ahead log with normal synchronisation: commits no longer
 * wait for two file syncs each, readers do not block the writer, and a crash can lose at most the
 * last commits, never corrupt the file; a page cache sized for a year of history, and the file
 * read through a memory map; and prepared
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
  await knex.raw(`PRAGMA mmap_size = ${SQLITE_MMAP_BYTES}`);
  await knex.raw(`PRAGMA journal_size_limit = ${SQLITE_LOG_LIMIT_BYTES}`);
}
