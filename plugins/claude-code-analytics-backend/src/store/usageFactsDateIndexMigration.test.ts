import { Knex } from 'knex';
import {
  createTestDatabases,
  onPostgres,
} from '../__testUtils__/createTestDatabases';
import {
  migrateUpToBefore,
  storeMigrations,
} from '../__testUtils__/migrateUpToBefore';
import { secondaryIndexes } from '../__testUtils__/secondaryIndexes';
import { ENTITY_SUMS, ENTITY_TABLES, entitySums } from '../rollups/entitySums';
import { isPostgres } from './isPostgres';
import { migrateStore } from './migrateStore';

jest.setTimeout(120_000);

const MIGRATION = '20261127080000_usage_facts_date_index.js';
/** The facts tables, as the rollups sum them. */
const FACT_TABLES = ENTITY_TABLES.map(table => ENTITY_SUMS[table].facts);
/** Each rollup table's measure checked below, and each person's value of it every day. */
const SUMMED = {
  entity_daily: { measure: 'sessions', each: 1 },
  entity_model_daily: { measure: 'input_tokens', each: 10 },
  entity_tool_daily: { measure: 'accepted', each: 2 },
} as const;

/** The facts tables' indexes by day, by name. */
async function dateIndexes(knex: Knex): Promise<string[]> {
  return (await secondaryIndexes(knex, FACT_TABLES)).filter(name =>
    name.endsWith('_date_idx'),
  );
}

/** The plan's nodes that read `table`, by their kind ('Seq Scan', 'Index Scan', ...). */
function scansOf(plan: any, table: string): string[] {
  const own = plan['Relation Name'] === table ? [plan['Node Type']] : [];
  return [
    ...own,
    ...(plan.Plans ?? []).flatMap((child: any) => scansOf(child, table)),
  ];
}

describe(`migration ${MIGRATION}`, () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    'indexes the facts by day on PostgreSQL alone, and goes down again, %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await migrateUpToBefore(knex, MIGRATION);
      expect(await dateIndexes(knex)).toEqual([]);
      await migrateStore(knex);
      expect(await dateIndexes(knex)).toEqual(
        isPostgres(knex) ? FACT_TABLES.map(table => `${table}_date_idx`) : [],
      );
      await knex.migrate.down({ ...storeMigrations, name: MIGRATION });
      expect(await dateIndexes(knex)).toEqual([]);
      await knex.destroy();
    },
  );

  const postgres = onPostgres(databases);
  postgres.describe('on PostgreSQL', () => {
    it.each(postgres.ids)(
      "sums an organisation's day from that day's facts, not from every day's, %p",
      async databaseId => {
        const knex = await databases.init(databaseId);
        await migrateStore(knex);
        // 400 people under one group, each with facts on 200 days: a day is 1/200 of each table.
        await knex.raw(`
          INSERT INTO entity_scopes (entity_ref, scope_ref)
          SELECT 'group:default/org', 'user:default/u' || u FROM generate_series(1, 400) u`);
        const days = `
          FROM generate_series(1, 400) u, generate_series(0, 199) d`;
        const key = `'user:default/u' || u, 'user:default/u' || u,
          to_char(date '2026-01-01' + d, 'YYYY-MM-DD'), 'self'`;
        await knex.raw(`
          INSERT INTO usage_facts (scope_ref, user_ref, date, attribution, sessions)
          SELECT ${key}, 1 ${days}`);
        await knex.raw(`
          INSERT INTO usage_model_facts (scope_ref, user_ref, date, attribution, model, input_tokens)
          SELECT ${key}, 'claude-sonnet-4-5', 10 ${days}`);
        await knex.raw(`
          INSERT INTO usage_tool_facts (scope_ref, user_ref, date, attribution, tool, accepted)
          SELECT ${key}, 'Edit', 2 ${days}`);
        for (const table of ['entity_scopes', ...FACT_TABLES]) {
          await knex.raw(`ANALYZE ${table}`);
        }

        for (const table of ENTITY_TABLES) {
          const { sql, bindings } = entitySums(
            table,
            ['group:default/org'],
            ['2026-05-01'],
          );
          const [{ 'QUERY PLAN': plans }] = (
            await knex.raw(`EXPLAIN (FORMAT JSON) ${sql}`, [...bindings])
          ).rows;
          const { measure, each } = SUMMED[table];
          const scans = scansOf(plans[0].Plan, ENTITY_SUMS[table].facts);
          expect({ table, scans }).toEqual({
            table,
            scans: [expect.stringMatching(/Index|Bitmap Heap/)],
          });
          // The day's sums: 400 people's facts of that day.
          const [sums] = (await knex.raw(sql, [...bindings])).rows;
          expect(Number(sums[measure])).toBe(400 * each);
        }
        await knex.destroy();
      },
    );
  });
});
