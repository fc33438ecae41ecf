import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { Knex } from 'knex';
import { DEFAULT_PRICING } from '../ingestion/PricingOptions';
import { writeUsageDays } from '../ingestion/writeUsageDays';
import { RollupEngine } from '../rollups/RollupEngine';
import { migrateStore } from '../store/migrateStore';
import { createTestDatabases } from '../__testUtils__/createTestDatabases';
import { OwnershipIndexer } from './OwnershipIndexer';

jest.setTimeout(60_000);

const group = (name: string, parent?: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name, etag: `${name}-${parent}` },
  spec: { type: 'team', parent, children: [] },
});
const user = (name: string, team: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'User',
  metadata: { name, etag: `${name}-${team}` },
  spec: { profile: { email: `${name.toUpperCase()}@Acme.Example` }, memberOf: [team] },
});

function org(teamOfUser1: string): Entity[] {
  return [
    group('acme'),
    group('dept-a', 'acme'),
    group('dept-b', 'acme'),
    group('team-x', 'dept-a'),
    group('team-y', 'dept-b'),
    user('u1', teamOfUser1),
    user('u2', 'team-x'),
    user('u3', 'team-x'),
    user('u4', 'team-y'),
    user('u5', 'team-y'),
  ];
}

const DATES = ['2026-03-02', '2026-03-03', '2026-03-04'];

async function sessionsOf(knex: Knex, entityRef: string) {
  const [{ sessions }] = await knex('entity_daily')
    .sum({ sessions: 'sessions' })
    .where('entity_ref', entityRef);
  return Number(sessions ?? 0);
}

async function countRows(knex: Knex, table: string) {
  const [{ n }] = await knex(table).count({ n: '*' });
  return Number(n);
}

describe('OwnershipIndexer', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    'follows a user moving team by recomputing only the affected rollups, %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await migrateStore(knex);
      const logger = mockServices.logger.mock();
      const rollups = RollupEngine.create({ knex, logger });
      const indexer = (entities: Entity[]) =>
        OwnershipIndexer.create({
          knex,
          catalog: catalogServiceMock({ entities }),
          auth: mockServices.auth(),
          logger,
        });

      const first = indexer(org('team-x'));
      expect(await first.refreshIfChanged()).toBeDefined();
      // Nothing changed in the catalog: no rebuild.
      expect(await first.refreshIfChanged()).toBeUndefined();

      // User n has n sessions a day; emails arrive in yet another case.
      await writeUsageDays(
        knex,
        'demo',
        [1, 2, 3, 4, 5].flatMap(n =>
          DATES.map(date => ({
            identity: `u${n}@acme.example`,
            date,
            provider: 'firstParty',
            activity: {
              sessions: n,
              activeSeconds: 60,
              linesAdded: 10,
              linesRemoved: 1,
              commits: 0,
              pullRequests: 0,
              toolDecisions: {},
            },
            models: [],
          })),
        ),
        DEFAULT_PRICING,
      );
      await rollups.run();
      expect(await sessionsOf(knex, 'group:default/team-x')).toBe((1 + 2 + 3) * 3);
      expect(await sessionsOf(knex, 'group:default/dept-b')).toBe((4 + 5) * 3);
      expect(await sessionsOf(knex, 'group:default/acme')).toBe(15 * 3);

      // u1 moves from team-x (dept-a) to team-y (dept-b).
      const moved = indexer(org('team-y'));
      const changes = await moved.refresh();
      expect(changes.added.entity_members).toBe(2);
      expect(changes.removed.entity_members).toBe(2);
      const queued = await knex('rollup_entity_queue').distinct('entity_ref');
      expect(queued.map(r => r.entity_ref).sort()).toEqual([
        'group:default/dept-a',
        'group:default/dept-b',
        'group:default/team-x',
        'group:default/team-y',
      ]);
      await rollups.run();

      expect(await sessionsOf(knex, 'group:default/team-x')).toBe((2 + 3) * 3);
      expect(await sessionsOf(knex, 'group:default/dept-a')).toBe((2 + 3) * 3);
      expect(await sessionsOf(knex, 'group:default/team-y')).toBe((1 + 4 + 5) * 3);
      expect(await sessionsOf(knex, 'group:default/dept-b')).toBe((1 + 4 + 5) * 3);
      expect(await sessionsOf(knex, 'group:default/acme')).toBe(15 * 3);
      expect(await countRows(knex, 'rollup_entity_queue')).toBe(0);
      await knex.destroy();
    },
  );

  it.each(databases.eachSupportedId())(
    'maps usage that arrived before its user existed once the user appears, %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await migrateStore(knex);
      const logger = mockServices.logger.mock();
      const rollups = RollupEngine.create({ knex, logger });
      await writeUsageDays(
        knex,
        'demo',
        [
          {
            identity: 'U1@acme.example',
            date: DATES[0],
            provider: 'firstParty',
            models: [
              {
                model: 'claude-sonnet-4-5',
                tokens: { input: 1000, output: 10, cacheRead: 0, cacheCreation: 0 },
              },
            ],
          },
        ],
        DEFAULT_PRICING,
      );
      await rollups.run();
      // Nobody to map the usage to yet: kept raw, not rolled up.
      expect(await countRows(knex, 'usage_facts')).toBe(0);
      expect(await countRows(knex, 'usage_model_daily')).toBe(1);

      await OwnershipIndexer.create({
        knex,
        catalog: catalogServiceMock({ entities: org('team-x') }),
        auth: mockServices.auth(),
        logger,
      }).refresh();
      await rollups.run();
      const [row] = await knex('entity_daily').where({
        entity_ref: 'group:default/team-x',
        date: DATES[0],
      });
      expect(Number(row.input_tokens)).toBe(1000);
      expect(Number(row.cost_micros)).toBe(1000 * 3 + 10 * 15);
      expect(Number(row.active_users)).toBe(1);
      await knex.destroy();
    },
  );
});
