import { Knex } from 'knex';
import { createTestDatabases } from '../__testUtils__/createTestDatabases';
import { queriesDuring } from '../__testUtils__/queriesDuring';
import { isSqlite } from './isSqlite';
import { isPostgres } from './isPostgres';
import { whereKeysIn, whereValuesIn, whereValuesOnDate } from './whereKeysIn';

jest.setTimeout(60_000);

/** Keys with the characters an array literal escapes, and one that only matches column-wise. */
const ROWS = [
  { identity: 'ada@acme.example', date: '2026-03-01', n: 1 },
  { identity: 'ada@acme.example', date: '2026-03-02', n: 2 },
  { identity: 'linus@acme.example', date: '2026-03-01', n: 3 },
  { identity: 'o"brien, {x}\\y', date: '2026-03-01', n: 4 },
  { identity: 'NULL', date: '2026-03-01', n: 5 },
  { identity: 'zoë ü 日本', date: '2026-03-03', n: 6 },
];

async function createDays(knex: Knex) {
  await knex.schema.createTable('days', table => {
    table.string('identity', 320).notNullable();
    table.string('date', 10).notNullable();
    table.integer('n').notNullable();
    table.primary(['identity', 'date']);
  });
  await knex('days').insert(ROWS);
}

describe('whereKeysIn', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    'selects and deletes exactly the rows of the keys, %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await createDays(knex);
      const keys = [
        ['ada@acme.example', '2026-03-02'],
        // Ada's identity and Linus's day: neither of Ada's rows nor Linus's.
        ['ada@acme.example', '2026-03-03'],
        ['o"brien, {x}\\y', '2026-03-01'],
        ['NULL', '2026-03-01'],
        ['zoë ü 日本', '2026-03-03'],
        ['nobody', '2026-03-01'],
      ];
      const selected = await whereKeysIn(
        knex('days').select('n').orderBy('n'),
        ['identity', 'date'],
        keys,
      );
      expect(selected.map(row => Number(row.n))).toEqual([2, 4, 5, 6]);
      expect(
        await whereKeysIn(knex('days').select('n'), ['identity', 'date'], []),
      ).toEqual([]);

      await whereKeysIn(
        knex('days').where('n', '>', 2),
        ['identity', 'date'],
        keys,
      ).delete();
      expect(
        (await knex('days').select('n').orderBy('n')).map(row => Number(row.n)),
      ).toEqual([1, 2, 3]);
      await knex.destroy();
    },
  );

  it.each(databases.eachSupportedId())(
    'refuses a key without a value for every column, %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await createDays(knex);
      // knex throws when it runs the query, the array form when it is written.
      await expect(async () =>
        whereKeysIn(
          knex('days').select(),
          ['identity', 'date'],
          [['ada@acme.example', undefined as unknown as string]],
        ),
      ).rejects.toThrow();
      await knex.destroy();
    },
  );

  it.each(databases.eachSupportedId())(
    'compares integer columns as numbers, %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await knex.schema.createTable('queue', table => {
        table.string('identity', 320).notNullable();
        table.bigInteger('enqueued_at').notNullable();
        table.primary(['identity']);
      });
      // Milliseconds past 2^32, as the queues keep them.
      await knex('queue').insert([
        { identity: 'ada', enqueued_at: 1764150000123 },
        { identity: 'grace', enqueued_at: 1764150000124 },
        { identity: 'linus', enqueued_at: 9 },
      ]);
      await whereKeysIn(
        knex('queue'),
        ['identity', 'enqueued_at'],
        [
          ['ada', '1764150000123'],
          // Grace's entry at another time (queued again): not hers.
          ['grace', '1764150000123'],
          // 9 only as a number (on PostgreSQL the key is not even comparable as text).
          ['linus', '09'],
        ],
        { integers: ['enqueued_at'] },
      ).delete();
      expect(
        (await knex('queue').select('identity').orderBy('identity')).map(
          row => row.identity,
        ),
      ).toEqual(['grace']);

      // Values that are numbers are compared as numbers too.
      await knex('queue').insert({ identity: 'linus', enqueued_at: 9 });
      const selected = await whereValuesIn(
        knex('queue').select('identity'),
        'enqueued_at',
        [9, 1764150000124, 5],
      ).orderBy('identity');
      expect(selected.map(row => row.identity)).toEqual(['grace', 'linus']);
      // No values: no rows, for a text column as for a number one.
      for (const column of ['identity', 'enqueued_at']) {
        expect(
          await whereValuesIn(knex('queue').select('identity'), column, []),
        ).toEqual([]);
      }
      await knex.destroy();
    },
  );

  it.each(databases.eachSupportedId())(
    'matches the same rows with lists of any length through a few statements on SQLite, %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await createDays(knex);
      const identities = ROWS.map(row => row.identity);
      // Lists of 1 to 6 identities and of 3 to 6 keys (with one that matches nothing): each gets
      // exactly its rows, once.
      const statements = await queriesDuring(knex, /^/, async () => {
        for (let length = 1; length <= identities.length; length++) {
          const values = identities.slice(0, length);
          const selected = await whereValuesIn(
            knex('days').select('n'),
            'identity',
            values,
          ).orderBy('n');
          expect(selected.map(row => Number(row.n))).toEqual(
            ROWS.filter(row => values.includes(row.identity)).map(row => row.n),
          );
        }
        for (let length = 3; length <= ROWS.length; length++) {
          const keys = [
            ['nobody', '2026-03-01'],
            ...ROWS.slice(1, length).map(row => [row.identity, row.date]),
          ];
          const selected = await whereKeysIn(
            knex('days').select('n'),
            ['identity', 'date'],
            keys,
          ).orderBy('n');
          expect(selected.map(row => Number(row.n))).toEqual(
            ROWS.slice(1, length).map(row => row.n),
          );
        }
      });
      const sqlTexts = new Set(statements.map(({ sql }) => sql));
      // SQLite: lists of 1, 2, 4 and 8 values, of 4 and 8 keys. PostgreSQL: one statement for
      // the values and one for the keys (arrays).
      expect(sqlTexts.size).toBe(isSqlite(knex) ? 6 : 2);

      // Deleting through a padded list deletes exactly the rows of the list.
      await whereValuesIn(knex('days'), 'identity', [
        'ada@acme.example',
        'linus@acme.example',
        'nobody',
      ]).delete();
      expect(
        (await knex('days').select('n').orderBy('n')).map(row => Number(row.n)),
      ).toEqual([4, 5, 6]);
      await knex.destroy();
    },
  );

  it.each(databases.eachSupportedId())(
    'reads the rows of a day through the index of the column and the date, even before statistics know the day, %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      // As the usage facts: indexed by user and day, and on PostgreSQL by day too.
      await knex.schema.createTable('facts', table => {
        table.string('user_ref', 255).notNullable();
        table.string('date', 10).notNullable();
        table.integer('n').notNullable();
        table.primary(['user_ref', 'date']);
        table.index(['date'], 'facts_date_idx');
      });
      const users = Array.from(
        { length: 2000 },
        (_, i) => `user:default/u${i}`,
      );
      // A month of history for every user, analysed before today was written.
      for (let day = 1; day <= 30; day++) {
        const date = `2026-11-${String(day).padStart(2, '0')}`;
        await knex.batchInsert(
          'facts',
          users.map((user_ref, n) => ({ user_ref, date, n })),
          500,
        );
      }
      if (isPostgres(knex)) {
        await knex.raw('ANALYZE facts');
      }
      const today = '2026-12-01';
      await knex.batchInsert(
        'facts',
        users.map((user_ref, n) => ({ user_ref, date: today, n: -n })),
        500,
      );

      const asked = [users[7], users[1999], 'user:default/nobody'];
      const query = whereValuesOnDate(
        knex('facts').select('n'),
        'user_ref',
        asked,
        today,
      ).orderBy('n');
      expect((await query).map(row => Number(row.n))).toEqual([-1999, -7]);

      const { sql, bindings } = query.toSQL();
      const plan = isPostgres(knex)
        ? JSON.stringify(
            (await knex.raw(`EXPLAIN (FORMAT JSON) ${sql}`, bindings)).rows,
          )
        : JSON.stringify(await knex.raw(`EXPLAIN QUERY PLAN ${sql}`, bindings));
      // Probes of the key, not a walk of the day through the index by date.
      expect(plan).toMatch(/"facts_pkey"|sqlite_autoindex_facts_1/);
      expect(plan).not.toContain('facts_date_idx');
      await knex.destroy();
    },
  );
});
