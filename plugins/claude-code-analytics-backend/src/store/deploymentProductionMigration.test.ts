import { createTestDatabases } from '../__testUtils__/createTestDatabases';
import { storeMigrations as migrations } from '../__testUtils__/migrateUpToBefore';

jest.setTimeout(60_000);

const MIGRATION = '20261125160000_deployment_production.js';

describe('migration 20261125160000_deployment_production', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    'decides the production of stored deployments with /prod/i, and goes down again, %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await knex.migrate.up({ ...migrations, name: '20261125120000_init.js' });
      await knex.migrate.up({
        ...migrations,
        name: '20261125140000_session_requests.js',
      });
      const row = (id: string, environment: string) => ({
        repository: 'acme/ledger',
        id,
        environment,
        status: 'success',
        finished_at: '2026-03-02T10:00:00.000Z',
        finished_date: '2026-03-02',
        source: 'github',
      });
      await knex('deployments').insert([
        row('d1', 'production'),
        row('d2', 'Prod-EU'),
        row('d3', 'staging'),
        row('d4', 'live'),
      ]);
      await knex('repositories').insert({
        repository: 'acme/ledger',
        updated_at: new Date(),
      });

      await knex.migrate.up({ ...migrations, name: MIGRATION });
      const rows = await knex('deployments').orderBy('id');
      expect(
        rows.map(r => [
          r.id,
          Boolean(r.production),
          Boolean(r.production_declared),
        ]),
      ).toEqual([
        ['d1', true, false],
        ['d2', true, false],
        ['d3', false, false],
        ['d4', false, false],
      ]);
      expect(
        (await knex('repositories').first()).production_pattern,
      ).toBeNull();

      await knex.migrate.down({ ...migrations, name: MIGRATION });
      expect(await knex.schema.hasColumn('deployments', 'production')).toBe(
        false,
      );
      expect(
        await knex.schema.hasColumn('deployments', 'production_declared'),
      ).toBe(false);
      expect(
        await knex.schema.hasColumn('repositories', 'production_pattern'),
      ).toBe(false);
      expect(await knex('deployments')).toHaveLength(4);
      await knex.destroy();
    },
  );
});
