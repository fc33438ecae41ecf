import { Knex } from 'knex';

/**
 * On SQLite (the embedded default), a write-ahead log with normal synchronisation: commits no longer
 * wait for two file syncs each, readers do not block the writer, and a crash can lose at most the
 * last commits, never corrupt the file. Nothing to do on other databases or in memory.
 */
export async function tuneSqlite(knex: Knex): Promise<void> {
  const client = String(knex.client.config.client);
  if (client !== 'better-sqlite3' && client !== 'sqlite3') {
    return;
  }
  await knex.raw('PRAGMA journal_mode = WAL');
  await knex.raw('PRAGMA synchronous = NORMAL');
}
