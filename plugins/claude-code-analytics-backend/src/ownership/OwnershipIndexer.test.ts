import { LoggerService } from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { Knex } from 'knex';
import { DEFAULT_PRICING } from '../ingestion/PricingOptions';
import { writeUsageDays } from '../ingestion/writeUsageDays';
import { RollupEngine } from '../rollups/RollupEngine';
import { migrateStore } from '../store/migrateStore';
import { createTestDatabases } from '../__testUtils__/createTestDatabases';
import { buildOwnershipIndex } from './buildOwnershipIndex';
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
  spec: {
    profile: { email: `${name.toUpperCase()}@Acme.Example` },
    memberOf: [team],
  },
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

/** Indexers of a catalog holding some entities, on one database. */
function indexerOn(knex: Knex, logger: LoggerService) {
  return (entities: Entity[]) =>
    OwnershipIndexer.create({
      knex,
      catalog: catalogServiceMock({ entities }),
      auth: mockServices.auth(),
      logger,
    });
}

describe('OwnershipIndexer', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    'diffs against the pairs it stored last, and reads them again after another writer, %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await migrateStore(knex);
      const logger = mockServices.logger.mock();
      const indexer = indexerOn(knex, logger);
      const reads: string[] = [];
      knex.on('query', (query: { sql: string }) => {
        if (/^select .* from [`"]entity_members[`"]$/i.test(query.sql)) {
          reads.push(query.sql);
        }
      });
      const teamOf = async (person: string) =>
        (
          await knex('entity_members')
            .where('user_ref', `user:default/${person}`)
            .orderBy('entity_ref')
        ).map(row => row.entity_ref);

      const first = indexer(org('team-x'));
      await first.refresh();
      expect(reads).toHaveLength(1);

      // Its next change is diffed against what it stored: the stored pairs are not read.
      reads.length = 0;
      const changes = await first.apply(buildOwnershipIndex(org('team-y')));
      expect(reads).toEqual([]);
      expect(changes.added.entity_members).toBe(2);
      expect(await teamOf('u1')).toEqual([
        'group:default/acme',
        'group:default/dept-b',
        'group:default/team-y',
        'user:default/u1',
      ]);

      // An hour later the tables are read again, whatever the version says.
      const now = Date.now();
      const clock = jest.spyOn(Date, 'now').mockReturnValue(now + 3_600_001);
      reads.length = 0;
      await first.apply(buildOwnershipIndex(org('team-y')));
      expect(reads).toHaveLength(1);
      clock.mockRestore();

      // Another replica stores another catalog: the first one's pairs are stale, so it reads.
      await indexer(org('team-x')).refresh();
      reads.length = 0;
      await first.apply(buildOwnershipIndex(org('team-y')));
      expect(reads).toHaveLength(1);
      expect(await teamOf('u1')).toEqual([
        'group:default/acme',
        'group:default/dept-b',
        'group:default/team-y',
        'user:default/u1',
      ]);
      await knex.destroy();
    },
  );

  it.each(databases.eachSupportedId())(
    'follows a user moving team by recomputing only the affected rollups, %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await migrateStore(knex);
      const logger = mockServices.logger.mock();
      const rollups = RollupEngine.create({ knex, logger });
      const indexer = indexerOn(knex, logger);

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
      expect(await sessionsOf(knex, 'group:default/team-x')).toBe(
        (1 + 2 + 3) * 3,
      );
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
      expect(await sessionsOf(knex, 'group:default/team-y')).toBe(
        (1 + 4 + 5) * 3,
      );
      expect(await sessionsOf(knex, 'group:default/dept-b')).toBe(
        (1 + 4 + 5) * 3,
      );
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
                tokens: {
                  input: 1000,
                  output: 10,
                  cacheRead: 0,
                  cacheCreation: 0,
                },
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

      await indexerOn(knex, logger)(org('team-x')).refresh();
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

  it.each(databases.eachSupportedId())(
    'looks at the groups alone between full looks, %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await migrateStore(knex);
      let entities = org('team-x');
      const lookedAt: string[][] = [];
      const catalog = catalogServiceMock.mock({
        streamEntities: async function* stream(request) {
          const kinds = (request?.filter as { kind: string[] }).kind;
          lookedAt.push(kinds);
          yield entities.filter(e => kinds.includes(e.kind));
        },
      });
      const indexer = (fullLookIntervalMs: number) =>
        OwnershipIndexer.create({
          knex,
          catalog,
          auth: mockServices.auth(),
          logger: mockServices.logger.mock(),
          fullLookIntervalMs,
        });
      const identitiesOf = async (userRef: string) =>
        (
          await knex('user_identities')
            .where('user_ref', userRef)
            .orderBy('identity')
        ).map(row => row.identity);

      const groupLooks = indexer(60_000);
      expect(await groupLooks.refreshIfChanged()).toBeDefined();
      lookedAt.length = 0;
      expect(await groupLooks.refreshIfChanged()).toBeUndefined();
      expect(lookedAt).toEqual([['Group']]);

      // A new email renews the user's etag only: the groups' look does not see it.
      const withEmail = (email: string) =>
        entities.map(e =>
          e.metadata.name === 'u1'
            ? {
                ...e,
                metadata: { ...e.metadata, etag: email },
                spec: { ...e.spec, profile: { email } },
              }
            : e,
        );
      entities = withEmail('ada@acme.example');
      expect(await groupLooks.refreshIfChanged()).toBeUndefined();
      expect(await identitiesOf('user:default/u1')).toEqual([
        'u1@acme.example',
      ]);

      // A team moved renews groups' etags: seen at once, and the refresh reads every kind.
      entities = entities.map(e =>
        e.metadata.name === 'team-x' ? group('team-x', 'dept-b') : e,
      );
      lookedAt.length = 0;
      const changes = await groupLooks.refreshIfChanged();
      expect(changes?.added.entity_members).toBe(3);
      expect(lookedAt[0]).toEqual(['Group']);
      expect(lookedAt[1]).toHaveLength(5);
      expect(await identitiesOf('user:default/u1')).toEqual([
        'ada@acme.example',
      ]);
      expect(await groupLooks.refreshIfChanged()).toBeUndefined();

      // With full looks every time, a changed email alone is seen.
      const fullLooks = indexer(0);
      expect(await fullLooks.refreshIfChanged()).toBeDefined();
      expect(await fullLooks.refreshIfChanged()).toBeUndefined();
      entities = withEmail('grace@acme.example');
      expect((await fullLooks.refreshIfChanged())?.added.user_identities).toBe(
        1,
      );
      expect(await identitiesOf('user:default/u1')).toEqual([
        'grace@acme.example',
      ]);
      await knex.destroy();
    },
  );
});
