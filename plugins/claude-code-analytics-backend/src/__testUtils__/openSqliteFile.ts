import knexFactory, { Knex } from 'knex';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { tuneSqlite } from '../store/tuneSqlite';

/**
 * A SQLite database in a file of a new temporary directory, tuned as the plugin tunes its own (the
 * threads that open the file need one: TestDatabases' SQLite is in memory). `remove` closes it and
 * deletes the directory.
 */
export async function openSqliteFile(prefix: string): Promise<{
  knex: Knex;
  directory: string;
  remove: () => Promise<void>;
}> {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const knex = knexFactory({
    client: 'better-sqlite3',
    connection: { filename: path.join(directory, 'analytics.sqlite') },
    useNullAsDefault: true,
  });
  await tuneSqlite(knex);
  return {
    knex,
    directory,
    remove: async () => {
      await knex.destroy();
      fs.rmSync(directory, { recursive: true, force: true });
    },
  };
}
