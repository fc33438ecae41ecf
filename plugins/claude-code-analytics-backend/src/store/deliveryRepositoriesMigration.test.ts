import { createTestDatabases } from '../__testUtils__/createTestDatabases';
import {
  migrateUpToBefore,
  storeMigrations,
} from '../__testUtils__/migrateUpToBefore';
import { migrateStore } from './migrateStore';

jest.setTimeout(60_000);

const MIGRATION = '20261126010000_delivery_repositories.js';

describe(`migration ${MIGRATION}`, () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    'lists the repositories that already have delivery days, and goes down again, %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await migrateUpToBefore(knex, MIGRATION);
      await knex('repository_delivery_daily').insert([
        { repository: 'acme/ledger', date: '2026-02-01', summary: '{}' },
        { repository: 'acme/ledger', date: '2026-02-02', summary: '{}' },
        { repository: 'acme/web', date: '2026-02-01', summary: '{}' },
      ]);
      await migrateStore(knex);
      expect(
        (
          await knex('delivery_repositories')
            .select('repository')
            .orderBy('repository')
        ).map(row => row.repository),
      ).toEqual(['acme/ledger', 'acme/web']);

      await knex.migrate.down({ ...storeMigrations, name: MIGRATION });
      expect(await knex.schema.hasTable('delivery_repositories')).toBe(false);
      await knex.destroy();
    },
  );
});
