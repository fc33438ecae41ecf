import { Knex } from 'knex';

/** The database is SQLite (the embedded default), through either of knex's SQLite drivers. */
export function isSqlite(knex: { client: Knex.Client }): boolean {
  const client = String(knex.client.config.client);
  return client === 'better-sqlite3' || client === 'sqlite3';
}
