import { Knex } from 'knex';
import { createTestDatabases } from '../__testUtils__/createTestDatabases';
import { queriesDuring } from '../__testUtils__/queriesDuring';
import { insertRows } from './insertRows';
import { isSqlite } from './isSqlite';
import { toNumber } from './tables';

jest.setTimeout(60_000);

async function createTable(knex: Knex) {
  await knex.schema.createTable('totals', table => {
    table.string('user_ref').notNullable();
    table.string('date').notNullable();
    table.bigInteger('tokens').notNullable();
    table.primary(['user_ref', 'date']);
  });
}

const rows = (count: number, tokens: (i: number) => number) =>
  Array.from({ length: count }, (_, i) => ({
    user_ref: `user:default/u${String(i).padStart(4, '0')}`,
    date: '2026-11-25',
    tokens: tokens(i),
  }));

const readAll = async (knex: Knex) =>
  (await knex('totals').select().orderBy('user_ref')).map(stored => ({
    ...stored,
    tokens: toNumber(stored.tokens),
  }));

/** The inserts run while `fn` runs, with the rows each one holds. */
async function insertsDuring(knex: Knex, fn: () => Promise<unknown>) {
  return (await queriesDuring(knex, /^\s*insert/i, fn)).map(
    ({ sql, bindings }) => ({
      sql,
      rows: isSqlite(knex)
        ? sql.match(/\(\?, \?, \?\)/g)?.length ?? 0
        : // On PostgreSQL the rows are one JSON parameter.
          JSON.parse(String(bindings[0])).length,
    }),
  );
}

describe('insertRows', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    'inserts and upserts every row once, on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await createTable(knex);
      await insertRows(
        knex,
        'totals',
        rows(37, i => i),
      );
      expect(await readAll(knex)).toEqual(rows(37, i => i));

      // Added to the stored totals on a conflict, new rows inserted: 37 stored, 45 sent.
      await insertRows(
        knex,
        'totals',
        rows(45, i => 1000 + i),
        { onConflict: ['user_ref', 'date'], add: ['tokens'] },
      );
      expect(await readAll(knex)).toEqual(
        rows(45, i => (i < 37 ? i : 0) + 1000 + i),
      );
    },
  );

  it.each(databases.eachSupportedId())(
    'writes rows of any count with the few statements SQLite keeps prepared, on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await createTable(knex);
      const sqlTexts = new Set<string>();
      let stored = 0;
      for (let count = 1; count <= 100; count++) {
        const inserts = await insertsDuring(knex, () =>
          insertRows(
            knex,
            'totals',
            rows(count, () => count),
            { onConflict: ['user_ref', 'date'], add: ['tokens'] },
          ),
        );
        inserts.forEach(insert => sqlTexts.add(insert.sql));
        // On SQLite powers of two, the largest first (37 rows as 32, 4 and 1): the bits of the
        // count; on PostgreSQL one statement.
        const bits = [64, 32, 16, 8, 4, 2, 1].filter(bit => count & bit);
        expect(inserts.map(insert => insert.rows)).toEqual(
          isSqlite(knex) ? bits : [count],
        );
        stored += count;
      }
      // Every count from 1 to 100 with seven statements (1, 2, 4, ... 64 rows) on SQLite; on
      // PostgreSQL one, whose parameter holds the rows.
      expect(sqlTexts.size).toBe(isSqlite(knex) ? 7 : 1);
      // user u0000 got every round's count added, u0099 only the last one's.
      const all = await readAll(knex);
      expect(all).toHaveLength(100);
      expect(all[0].tokens).toBe(5050);
      expect(all[99].tokens).toBe(100);
      expect(all.reduce((sum, row) => sum + row.tokens, 0)).toBe(
        Array.from({ length: 100 }, (_, i) => (i + 1) * (i + 1)).reduce(
          (sum, n) => sum + n,
          0,
        ),
      );
      expect(stored).toBe(5050);
    },
  );

  it.each(databases.eachSupportedId())(
    'stores every kind of value as given, in rows of more than one statement, on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await knex.schema.createTable('kinds', table => {
        table.integer('id').primary();
        table.string('text', 255).notNullable();
        table.bigInteger('tokens').notNullable();
        table.double('value').notNullable();
        table.boolean('success');
        table.timestamp('received_at', { useTz: true }).notNullable();
        table.string('note', 255);
      });
      // The last one cut within a surrogate pair (as a string cut at a length can be).
      const texts = [
        'o"brien, {x}\\y',
        'zoë ü 日本',
        "it's",
        'NULL',
        '',
        '[1]',
        '🚀🚀'.slice(0, 3),
      ];
      const written = Array.from({ length: 2500 }, (_, id) => ({
        id,
        text: texts[id % texts.length],
        tokens: Number.MAX_SAFE_INTEGER - id,
        value: id / 7,
        success: id % 3 === 0 ? null : id % 3 === 1,
        received_at: new Date(Date.UTC(2026, 10, 27, 12, 0, 0, id)),
        note: id % 2 === 0 ? undefined : `note ${id}`,
      }));
      await insertRows(knex, 'kinds', written);
      const stored = await knex('kinds').select().orderBy('id');
      expect(
        stored.map(row => ({
          id: Number(row.id),
          text: row.text,
          tokens: String(row.tokens),
          value: Number(row.value),
          success: row.success === null ? null : Boolean(row.success),
          received_at: new Date(row.received_at).getTime(),
          note: row.note,
        })),
      ).toEqual(
        written.map(row => ({
          ...row,
          // The lone surrogate: U+FFFD on PostgreSQL, as when the string was bound as a parameter
          // (the JSON's escape would be refused); SQLite stores its three bytes as it did.
          text: row.text.isWellFormed()
            ? row.text
            : row.text.slice(0, -1) +
              (isSqlite(knex) ? '\ufffd\ufffd\ufffd' : '\ufffd'),
          tokens: String(row.tokens),
          received_at: row.received_at.getTime(),
          note: row.note ?? null,
        })),
      );
      await knex.destroy();
    },
  );
});
