import knexFactory from 'knex';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTestDatabases } from '../__testUtils__/createTestDatabases';
import {
  SQLITE_CACHE_KIB,
  SQLITE_LOG_LIMIT_BYTES,
  SQLITE_MMAP_BYTES,
  tuneSqlite,
} from './tuneSqlite';

jest.setTimeout(60_000);

describe('tuneSqlite', () => {
  const databases = createTestDatabases();

  const ids = databases.eachSupportedId();

  it.each(ids.filter(([id]) => id.startsWith('SQLITE')))(
    'sizes the page cache and keeps normal synchronisation, on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await tuneSqlite(knex);
      expect(await knex.raw('PRAGMA cache_size')).toEqual([
        { cache_size: -SQLITE_CACHE_KIB },
      ]);
      // 1 is NORMAL.
      expect(await knex.raw('PRAGMA synchronous')).toEqual([
        { synchronous: 1 },
      ]);
    },
  );

  it('reads a database file through a memory map, in a write-ahead log of bounded size', async () => {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'cca-tune-'));
    const knex = knexFactory({
      client: 'better-sqlite3',
      connection: { filename: path.join(directory, 'analytics.sqlite') },
      useNullAsDefault: true,
    });
    try {
      expect(await knex.raw('PRAGMA mmap_size')).toEqual([{ mmap_size: 0 }]);
      await tuneSqlite(knex);
      expect(await knex.raw('PRAGMA mmap_size')).toEqual([
        { mmap_size: SQLITE_MMAP_BYTES },
      ]);
      expect(await knex.raw('PRAGMA journal_mode')).toEqual([
        { journal_mode: 'wal' },
      ]);
      // A log started over is cut back to this size.
      expect(await knex.raw('PRAGMA journal_size_limit')).toEqual([
        { journal_size_limit: SQLITE_LOG_LIMIT_BYTES },
      ]);
    } finally {
      await knex.destroy();
      fs.rmSync(directory, { recursive: true, force: true });
    }
  });

  it.each(ids.filter(([id]) => !id.startsWith('SQLITE')))(
    'runs nothing on %p (it has no PRAGMA and would throw)',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await expect(tuneSqlite(knex)).resolves.toBeUndefined();
    },
  );
});
