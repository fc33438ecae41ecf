import { Knex } from 'knex';
import {
  createTestDatabases,
  onPostgres,
} from '../__testUtils__/createTestDatabases';
import { migrateStore } from './migrateStore';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const postgres = onPostgres(databases);

const TABLES = ['entity_daily', 'entity_model_daily', 'entity_tool_daily'];

/** The key and included columns of a table's primary key, and all of the table's columns. */
async function primaryKeyOf(knex: Knex, table: string) {
  const { rows } = await knex.raw(
    `SELECT a.attname AS column, k.n <= i.indnkeyatts AS is_key
       FROM pg_index i
       CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, n)
       JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
      WHERE i.indrelid = ?::regclass AND i.indisprimary
      ORDER BY k.n`,
    [table],
  );
  const columns = Object.keys(await knex(table).columnInfo());
  return {
    key: rows.filter((r: any) => r.is_key).map((r: any) => r.column),
    included: rows.filter((r: any) => !r.is_key).map((r: any) => r.column),
    columns,
  };
}

postgres.describe(
  'entity rollups read from their primary keys, PostgreSQL',
  () => {
    it.each(postgres.ids)(
      'every column of the three tables is in its primary key, %p',
      async databaseId => {
        const knex = await databases.init(databaseId);
        await migrateStore(knex);
        const keys = Object.fromEntries(
          await Promise.all(
            TABLES.map(async table => [table, await primaryKeyOf(knex, table)]),
          ),
        );
        expect(keys.entity_daily.key).toEqual(['entity_ref', 'date']);
        expect(keys.entity_model_daily.key).toEqual([
          'entity_ref',
          'date',
          'model',
        ]);
        expect(keys.entity_tool_daily.key).toEqual([
          'entity_ref',
          'date',
          'tool',
        ]);
        for (const table of TABLES) {
          const { key, included, columns } = keys[table];
          // A column added to a table later must be added to its key too, or the cards' sums
          // go back to reading the table.
          expect([...key, ...included].sort()).toEqual([...columns].sort());
          expect(included.length).toBeGreaterThan(0);
        }
        await knex.destroy();
      },
    );

    it.each(postgres.ids)(
      "an entity's sums over a range never read the table once it is vacuumed, %p",
      async databaseId => {
        const knex = await databases.init(databaseId);
        await migrateStore(knex);
        // 300 entities × 60 days × 2 models, written day by day as the rollups write them, so
        // that each entity's rows are spread over the table.
        const days = Array.from({ length: 60 }, (_, i) =>
          new Date(Date.UTC(2026, 0, 1 + i)).toISOString().slice(0, 10),
        );
        for (const date of days) {
          const rows = [];
          for (let e = 0; e < 300; e++) {
            for (const model of ['claude-opus-4-5', 'claude-sonnet-4-5']) {
              rows.push({
                entity_ref: `group:default/team-${e}`,
                date,
                model,
                input_tokens: e,
                output_tokens: 1,
                cache_read_tokens: 2,
                cache_creation_tokens: 3,
                cost_micros: 1_000 + e,
                unpriced_tokens: 0,
              });
            }
          }
          await knex.batchInsert('entity_model_daily', rows, 500);
        }
        await knex.raw('VACUUM ANALYZE entity_model_daily');

        const query = knex('entity_model_daily')
          .select('model')
          .sum({ cost: 'cost_micros', input: 'input_tokens' })
          .where('entity_ref', 'group:default/team-7')
          .whereBetween('date', ['2026-01-05', '2026-02-20'])
          .groupBy('model');
        const { sql, bindings } = query.toSQL();
        const { rows: plan } = await knex.raw(
          `EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`,
          bindings as any[],
        );
        const scans: any[] = [];
        const visit = (node: any) => {
          if (/Scan/.test(node['Node Type'])) scans.push(node);
          (node.Plans ?? []).forEach(visit);
        };
        visit(plan[0]['QUERY PLAN'][0].Plan);
        expect(scans.map(s => [s['Node Type'], s['Index Name']])).toEqual([
          ['Index Only Scan', 'entity_model_daily_pkey'],
        ]);
        expect(scans[0]['Heap Fetches']).toBe(0);
        expect(scans[0]['Actual Rows']).toBe(47 * 2);

        const sums: Array<Record<string, any>> = await query;
        expect(
          Object.fromEntries(sums.map(r => [r.model, Number(r.cost)])),
        ).toEqual({
          'claude-opus-4-5': 47 * 1_007,
          'claude-sonnet-4-5': 47 * 1_007,
        });
        await knex.destroy();
      },
    );
  },
);
