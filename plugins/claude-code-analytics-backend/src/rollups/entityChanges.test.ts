import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { Knex } from 'knex';
import { generateDemoHistory } from '../demo/generateDemoHistory';
import { generateDemoOrg } from '../demo/generateDemoOrg';
import { DEFAULT_PRICING } from '../ingestion/PricingOptions';
import { UsageDay } from '../ingestion/types';
import { writeUsageDays } from '../ingestion/writeUsageDays';
import { OwnershipIndexer } from '../ownership/OwnershipIndexer';
import { writeDemoHistory } from '../sources/DemoSource';
import { chunked } from '../store/chunked';
import { migrateStore } from '../store/migrateStore';
import { createTestDatabases } from '../__testUtils__/createTestDatabases';
import {
  ENTITY_TABLES,
  entityColumns,
  entitySums,
  EntityTable,
} from './entitySums';
import { RollupEngine } from './RollupEngine';
import { enqueueUserDays } from './rollupQueue';

jest.setTimeout(120_000);

const org = generateDemoOrg({
  seed: 5,
  engineers: 40,
  components: 12,
  teams: 6,
  groupDepth: 4,
});
const END = '2026-11-20';
const DAYS = 14;

async function countOf(knex: Knex, table: string) {
  const [{ n }] = await knex(table).count({ n: '*' });
  return Number(n);
}

/** A table's rows as comparable strings, in order. */
function comparable(table: EntityTable, rows: Array<Record<string, unknown>>) {
  return rows
    .map(row => entityColumns(table).map(c => `${c}=${String(row[c])}`))
    .map(row => row.join(' '))
    .sort();
}

/**
 * Each rollup table as stored, and as the facts sum it for every entity of the catalog on every day
 * with facts (the statement a catalog change's re-sum runs).
 */
async function storedAndSummed(knex: Knex) {
  const entityRefs = (await knex('entity_scopes').distinct('entity_ref')).map(
    row => row.entity_ref as string,
  );
  const dates = (await knex('usage_facts').distinct('date')).map(
    row => row.date as string,
  );
  const result = [];
  for (const table of ENTITY_TABLES) {
    const summed: Array<Record<string, unknown>> = [];
    for (const chunk of chunked(entityRefs, 200)) {
      const { sql, bindings } = entitySums(table, chunk, dates);
      const answer = await knex.raw(sql, [...bindings]);
      summed.push(...(Array.isArray(answer) ? answer : answer.rows));
    }
    result.push({
      table,
      stored: comparable(table, await knex(table).select()),
      summed: comparable(table, summed),
    });
  }
  return result;
}

async function expectRollupsToBeSumsOfFacts(knex: Knex) {
  expect(await countOf(knex, 'rollup_user_queue')).toBe(0);
  expect(await countOf(knex, 'rollup_entity_queue')).toBe(0);
  for (const { table, stored, summed } of await storedAndSummed(knex)) {
    expect({ table, rows: stored }).toEqual({ table, rows: summed });
    expect({ table, empty: summed.length === 0 }).toEqual({
      table,
      empty: false,
    });
  }
}

/** A usage day emptied: the same key, with nothing used. */
const emptied = (day: UsageDay): UsageDay => ({
  ...day,
  activity: {
    sessions: 0,
    activeSeconds: 0,
    linesAdded: 0,
    linesRemoved: 0,
    commits: 0,
    pullRequests: 0,
    toolDecisions: {},
  },
  models: [],
});

describe('the entities rollups kept by differences', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    'stay the sums of the facts through new, changed and removed usage and a catalog change, %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await migrateStore(knex);
      const entities: Entity[] = structuredClone(org.entities);
      const refresh = () =>
        OwnershipIndexer.create({
          knex,
          catalog: catalogServiceMock({ entities }),
          auth: mockServices.auth(),
          logger: mockServices.logger.mock(),
        }).refresh();
      await refresh();
      const engine = RollupEngine.create({
        knex,
        logger: mockServices.logger.mock(),
      });

      // Two weeks of the organisation's usage and delivery, rolled up from nothing.
      await writeDemoHistory(
        knex,
        generateDemoHistory(org, { seed: 1, endDate: END, days: DAYS }),
        DEFAULT_PRICING,
      );
      await engine.run();
      await expectRollupsToBeSumsOfFacts(knex);

      // The same days read again with other values (another seed): every person's facts change.
      const other = [
        ...generateDemoHistory(org, {
          seed: 2,
          endDate: END,
          days: DAYS,
        }).usage(),
      ];
      await writeUsageDays(knex, 'demo', other, DEFAULT_PRICING);
      await engine.run();
      await expectRollupsToBeSumsOfFacts(knex);

      // A third of those days emptied (people no longer active on some days, components losing
      // their share), and the tool decisions of another third gone.
      const facts = await countOf(knex, 'usage_facts');
      const toolFacts = await countOf(knex, 'usage_tool_facts');
      await writeUsageDays(
        knex,
        'demo',
        other.flatMap((day, i): UsageDay[] => {
          if (i % 3 === 0) {
            return [emptied(day)];
          }
          if (i % 3 === 1 && day.activity) {
            return [
              { ...day, activity: { ...day.activity, toolDecisions: {} } },
            ];
          }
          return [];
        }),
        DEFAULT_PRICING,
      );
      await engine.run();
      expect(await countOf(knex, 'usage_facts')).toBeLessThan(facts);
      expect(await countOf(knex, 'usage_tool_facts')).toBeLessThan(toolFacts);
      await expectRollupsToBeSumsOfFacts(knex);

      // Two people report a model and a tool with nothing counted (a separate record of their day):
      // their rows exist as long as one of them does, with zeros.
      const [ada, bob] = org.people;
      const nothingCounted = (identity: string): UsageDay => ({
        identity,
        date: END,
        provider: 'firstParty',
        variant: 'zeros',
        activity: {
          ...emptied(other[0]).activity!,
          sessions: 1,
          toolDecisions: { NotebookEdit: { accepted: 0, rejected: 0 } },
        },
        models: [
          {
            model: 'claude-zero',
            tokens: { input: 0, output: 0, cacheRead: 0, cacheCreation: 0 },
          },
        ],
      });
      const root = `group:default/${
        org.entities.find(e => e.kind === 'Group' && !e.spec?.parent)!.metadata
          .name
      }`;
      const zeroRows = async () => ({
        models: await knex('entity_model_daily')
          .where({ model: 'claude-zero' })
          .pluck('entity_ref'),
        tools: await knex('entity_tool_daily')
          .where({ tool: 'NotebookEdit' })
          .pluck('entity_ref'),
      });
      await writeUsageDays(
        knex,
        'demo',
        [nothingCounted(ada.email), nothingCounted(bob.email)],
        DEFAULT_PRICING,
      );
      await engine.run();
      await expectRollupsToBeSumsOfFacts(knex);
      expect(await zeroRows()).toEqual({
        models: expect.arrayContaining([
          root,
          `user:default/${ada.name}`,
          `user:default/${bob.name}`,
        ]),
        tools: expect.arrayContaining([
          root,
          `user:default/${ada.name}`,
          `user:default/${bob.name}`,
        ]),
      });
      await writeUsageDays(
        knex,
        'demo',
        [emptied(nothingCounted(ada.email))],
        DEFAULT_PRICING,
      );
      await engine.run();
      await expectRollupsToBeSumsOfFacts(knex);
      const left = await zeroRows();
      expect(left).toEqual({
        models: expect.arrayContaining([root, `user:default/${bob.name}`]),
        tools: expect.arrayContaining([root, `user:default/${bob.name}`]),
      });
      expect([...left.models, ...left.tools]).not.toContain(
        `user:default/${ada.name}`,
      );
      await writeUsageDays(
        knex,
        'demo',
        [emptied(nothingCounted(bob.email))],
        DEFAULT_PRICING,
      );
      await engine.run();
      await expectRollupsToBeSumsOfFacts(knex);
      expect(await zeroRows()).toEqual({ models: [], tools: [] });

      // A person changes teams in the catalog: their old and new groups are re-summed.
      const person = entities.find(
        e => e.kind === 'User' && (e.spec!.memberOf as string[]).length === 1,
      )!;
      const team = (person.spec!.memberOf as string[])[0];
      const otherTeam = org.teams.find(t => t.name !== team)!.name;
      person.spec = { ...person.spec, memberOf: [otherTeam] };
      person.metadata.etag = 'moved';
      await refresh();
      await engine.run();
      await expectRollupsToBeSumsOfFacts(knex);

      // Every person-day queued again with nothing changed: nothing is counted twice.
      const before = await storedAndSummed(knex);
      await enqueueUserDays(
        knex,
        (
          await knex('usage_facts').distinct('user_ref', 'date')
        ).map(row => ({
          ref: row.user_ref,
          date: row.date,
        })),
      );
      await engine.run();
      await expectRollupsToBeSumsOfFacts(knex);
      expect(await storedAndSummed(knex)).toEqual(before);
      await knex.destroy();
    },
  );
});
