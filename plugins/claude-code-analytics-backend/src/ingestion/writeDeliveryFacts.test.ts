import { Knex } from 'knex';
import { createTestDatabases } from '../__testUtils__/createTestDatabases';
import { migrateStore } from '../store/migrateStore';
import {
  applyProductionPattern,
  DeploymentToWrite,
  writeDeliveryFacts,
} from './writeDeliveryFacts';

jest.setTimeout(60_000);

const deployment = (
  id: string,
  environment: string,
  finishedAt: string,
  more: Partial<DeploymentToWrite> = {},
): DeploymentToWrite => ({
  repository: 'acme/ledger',
  id,
  environment,
  status: 'success',
  finishedAt,
  sha: 'abcdef1',
  pullRequests: [],
  ...more,
});

const incident = {
  repository: 'acme/ledger',
  id: 'i1',
  createdAt: '2026-03-02T12:00:00Z',
};

async function decisions(knex: Knex) {
  const rows = await knex('deployments').orderBy(['repository', 'id']);
  return rows.map(row => [
    `${row.repository}#${row.id}`,
    Boolean(row.production),
    Boolean(row.production_declared),
  ]);
}

async function linkedDeployment(knex: Knex) {
  const row = await knex('incidents').where({ id: 'i1' }).first();
  return row.deployment_id;
}

describe('writeDeliveryFacts', () => {
  const databases = createTestDatabases();

  async function init(databaseId: Parameters<typeof databases.init>[0]) {
    const knex = await databases.init(databaseId);
    await migrateStore(knex);
    return knex;
  }

  it.each(databases.eachSupportedId())(
    "decides production once, when writing: the record's flag, else the repository's pattern, else /prod/i, %p",
    async databaseId => {
      const knex = await init(databaseId);
      // The ledger component's annotation says its production is `live`.
      await applyProductionPattern(knex, 'Acme/Ledger', /^production$|^live$/i);

      await writeDeliveryFacts(knex, 'import', {
        deployments: [
          deployment('live', 'live', '2026-03-02T10:00:00Z'),
          deployment('canary', 'production-canary', '2026-03-02T11:00:00Z'),
          deployment('hotfix', 'hotfix', '2026-03-02T13:00:00Z', {
            production: true,
          }),
          deployment('eu', 'live', '2026-03-02T14:00:00Z', {
            production: false,
          }),
          deployment(
            'web-canary',
            'production-canary',
            '2026-03-02T10:00:00Z',
            {
              repository: 'acme/web',
            },
          ),
        ],
        incidents: [incident],
      });

      expect(await decisions(knex)).toEqual([
        ['acme/ledger#canary', false, false],
        ['acme/ledger#eu', false, true],
        ['acme/ledger#hotfix', true, true],
        ['acme/ledger#live', true, false],
        // No pattern stored for acme/web: the default /prod/i.
        ['acme/web#web-canary', true, false],
      ]);
      // The canary finished after `live` and before the incident, but is no production deployment.
      expect(await linkedDeployment(knex)).toBe('live');
      await knex.destroy();
    },
  );

  it.each(databases.eachSupportedId())(
    'decides the stored deployments again when the pattern changes, except those their record declared, %p',
    async databaseId => {
      const knex = await init(databaseId);
      await writeDeliveryFacts(knex, 'github', {
        deployments: [
          deployment('live', 'live', '2026-03-02T10:00:00Z'),
          deployment('canary', 'production-canary', '2026-03-02T11:00:00Z'),
          deployment('declared', 'staging', '2026-03-02T13:00:00Z', {
            production: true,
          }),
        ],
        incidents: [incident],
      });
      expect(await decisions(knex)).toEqual([
        ['acme/ledger#canary', true, false],
        ['acme/ledger#declared', true, true],
        ['acme/ledger#live', false, false],
      ]);
      expect(await linkedDeployment(knex)).toBe('canary');

      expect(await applyProductionPattern(knex, 'acme/ledger', /^live$/i)).toBe(
        2,
      );
      expect(await decisions(knex)).toEqual([
        ['acme/ledger#canary', false, false],
        ['acme/ledger#declared', true, true],
        ['acme/ledger#live', true, false],
      ]);
      expect(await linkedDeployment(knex)).toBe('live');
      const [repository] = await knex('repositories');
      expect(repository.production_pattern).toBe('/^live$/i');

      // The same pattern again changes nothing.
      expect(await applyProductionPattern(knex, 'acme/ledger', /^live$/i)).toBe(
        0,
      );
      await knex.destroy();
    },
  );

  it.each(databases.eachSupportedId())(
    "decides with the caller's pattern over the stored one, without storing it, %p",
    async databaseId => {
      const knex = await init(databaseId);
      await applyProductionPattern(knex, 'acme/ledger', /^live$/i);
      await writeDeliveryFacts(
        knex,
        'import',
        { deployments: [deployment('blue', 'blue', '2026-03-02T10:00:00Z')] },
        { productionEnvironment: /^blue$/ },
      );
      await writeDeliveryFacts(knex, 'import', {
        deployments: [deployment('green', 'blue', '2026-03-02T11:00:00Z')],
      });
      expect(await decisions(knex)).toEqual([
        ['acme/ledger#blue', true, false],
        ['acme/ledger#green', false, false],
      ]);
      await knex.destroy();
    },
  );
});
