import { createTestDatabases } from '../__testUtils__/createTestDatabases';
import { SQLITE_CACHE_KIB, tuneSqlite } from './tuneSqlite';

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

  it.each(ids.filter(([id]) => !id.startsWith('SQLITE')))(
    'runs nothing on %p (it has no PRAGMA and would throw)',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await expect(tuneSqlite(knex)).resolves.toBeUndefined();
    },
  );
});
