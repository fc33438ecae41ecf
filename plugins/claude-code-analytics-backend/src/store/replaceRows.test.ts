import { Knex } from 'knex';
import { createTestDatabases } from '../__testUtils__/createTestDatabases';
import { queriesDuring } from '../__testUtils__/queriesDuring';
import { isPostgres } from './isPostgres';
import { replaceRows } from './replaceRows';
import { toNumber } from './tables';

jest.setTimeout(60_000);

const KEY = ['user_ref', 'date', 'model'];

async function createTable(knex: Knex) {
  await knex.schema.createTable('facts', table => {
    table.string('user_ref').notNullable();
    table.string('date').notNullable();
    table.string('model').notNullable();
    table.bigInteger('tokens').notNullable();
    table.integer('requests').nullable();
    table.primary(KEY);
    table.index(['date'], 'facts_date_idx');
  });
}

const row = (
  user_ref: string,
  model: string,
  tokens: number,
  requests: number | null,
  date = '2026-11-25',
) => ({ user_ref, date, model, tokens, requests });

const readAll = async (knex: Knex) =>
  (await knex('facts').select().orderBy(KEY)).map(stored => ({
    ...stored,
    tokens: toNumber(stored.tokens),
  }));

/** The statements that write (insert, update, delete) while `fn` runs. */
const writesDuring = (knex: Knex, fn: () => Promise<unknown>) =>
  queriesDuring(knex, /^\s*(insert|update|delete)/i, fn);

describe('replaceRows', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    'makes the slice hold exactly the computed rows, writing only the difference, on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await createTable(knex);
      const big = 2 ** 40 + 7; // a bigint PostgreSQL returns as a string
      const before = [
        row('a', 'opus', big, 3),
        row('a', 'sonnet', 10, null),
        row('b', 'opus', 5, 1),
        // Outside the slice (another day): never read, never touched.
        row('a', 'opus', 99, 9, '2026-11-24'),
      ];
      await knex('facts').insert(before);
      const slice = () =>
        knex('facts')
          .select()
          .whereIn('user_ref', ['a', 'b'])
          .where('date', '2026-11-25');

      // Unchanged: nothing is written.
      const unchanged = before.slice(0, 3);
      const storedNow = [...(await slice())];
      expect(
        await writesDuring(knex, () =>
          replaceRows(knex, 'facts', KEY, storedNow, unchanged),
        ),
      ).toEqual([]);

      // One changed (null to a value), one new, one gone: one delete and one upsert of two rows.
      const computed = [
        row('a', 'opus', big, 3),
        row('a', 'sonnet', 10, 2),
        row('a', 'haiku', 1, 1),
      ];
      const stored = [...(await slice())];
      const writes = await writesDuring(knex, () =>
        replaceRows(knex, 'facts', KEY, stored, computed),
      );
      expect(
        writes.map(w => w.sql.trim().split(/\s+/)[0].toLowerCase()),
      ).toEqual(['delete', 'insert']);
      // The gone row's key (PostgreSQL gets it as one array per column, see whereKeysIn).
      expect(writes[0].bindings).toEqual(
        isPostgres(knex)
          ? [['b'], ['2026-11-25'], ['opus']]
          : ['b', '2026-11-25', 'opus'],
      );
      // The rows upserted (PostgreSQL gets them as one JSON parameter, see insertRows).
      expect(
        isPostgres(knex)
          ? JSON.parse(String(writes[1].bindings[0])).flatMap(Object.values)
          : writes[1].bindings,
      ).toEqual([
        'a',
        '2026-11-25',
        'sonnet',
        10,
        2,
        'a',
        '2026-11-25',
        'haiku',
        1,
        1,
      ]);

      expect(await readAll(knex)).toEqual(
        [...computed, before[3]].sort((x, y) =>
          `${x.user_ref}|${x.date}|${x.model}`.localeCompare(
            `${y.user_ref}|${y.date}|${y.model}`,
          ),
        ),
      );

      // Everything gone: the slice is emptied, the other day kept.
      await replaceRows(knex, 'facts', KEY, [...(await slice())], []);
      expect(await readAll(knex)).toEqual([before[3]]);
    },
  );
});
