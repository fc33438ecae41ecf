import { createTestDatabases } from '../__testUtils__/createTestDatabases';
import { storeMigrations as migrations } from '../__testUtils__/migrateUpToBefore';

jest.setTimeout(60_000);

const MIGRATION = '20261125180000_delivery_rollups.js';
const TABLES = [
  'repository_delivery_daily',
  'entity_delivery_daily',
  'entity_delivery_monthly',
  'entity_authored_daily',
  'delivery_repository_queue',
  'delivery_entity_queue',
];

describe('migration 20261125180000_delivery_rollups', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    'queues the stored delivery records for their rollups, and goes down again, %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      for (const name of [
        '20261125120000_init.js',
        '20261125140000_session_requests.js',
        '20261125160000_deployment_production.js',
        '20261125170000_console_exports.js',
      ]) {
        await knex.migrate.up({ ...migrations, name });
      }
      await knex('repositories').insert(
        ['acme/ledger', 'acme/web'].map(repository => ({
          repository,
          updated_at: new Date(),
        })),
      );
      const pr = (number: number, mergedDate: string | null) => ({
        repository: 'acme/ledger',
        number,
        author: 'ada-gh',
        created_at: '2026-03-01T10:00:00.000Z',
        merged_at: mergedDate && `${mergedDate}T10:00:00.000Z`,
        merged_date: mergedDate,
        source: 'github',
      });
      await knex('pull_requests').insert([
        pr(1, '2026-03-02'),
        pr(2, '2026-03-02'),
        pr(3, '2026-03-04'),
        pr(4, null),
      ]);
      await knex('user_identities').insert({
        identity: 'ada-gh',
        user_ref: 'user:default/ada',
      });
      await knex('entity_members').insert(
        [
          'user:default/ada',
          'group:default/payments',
          'component:default/ledger',
        ].map(entity_ref => ({ entity_ref, user_ref: 'user:default/ada' })),
      );

      await knex.migrate.up({ ...migrations, name: MIGRATION });
      expect(
        (await knex('delivery_repository_queue').orderBy('repository')).map(
          row => row.repository,
        ),
      ).toEqual(['acme/ledger', 'acme/web']);
      // Only people entities count authored pull requests.
      expect(
        (
          await knex('delivery_entity_queue').orderBy(['entity_ref', 'date'])
        ).map(row => [row.entity_ref, row.date]),
      ).toEqual([
        ['group:default/payments', '2026-03-02'],
        ['group:default/payments', '2026-03-04'],
        ['user:default/ada', '2026-03-02'],
        ['user:default/ada', '2026-03-04'],
      ]);
      // Summaries are text without a length limit.
      const summary = 'x'.repeat(100_000);
      await knex('entity_delivery_monthly').insert({
        entity_ref: 'group:default/payments',
        month: '2026-03',
        summary,
      });
      expect((await knex('entity_delivery_monthly').first()).summary).toBe(
        summary,
      );

      await knex.migrate.down({ ...migrations, name: MIGRATION });
      for (const table of TABLES) {
        expect(await knex.schema.hasTable(table)).toBe(false);
      }
      expect(await knex('pull_requests')).toHaveLength(4);
      await knex.destroy();
    },
  );
});
