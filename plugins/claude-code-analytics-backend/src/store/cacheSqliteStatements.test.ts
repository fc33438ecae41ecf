import knexFactory, { Knex } from 'knex';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTestDatabases } from '../__testUtils__/createTestDatabases';
import { cacheSqliteStatements } from './cacheSqliteStatements';

jest.setTimeout(60_000);

describe('cacheSqliteStatements', () => {
  const databases = createTestDatabases();
  const ids = databases.eachSupportedId();
  const sqlite = ids.filter(([id]) => id.startsWith('SQLITE'));

  afterEach(() => jest.restoreAllMocks());

  /** The SQL of every statement SQLite prepared on knex's connection, in order. */
  async function recordPrepares(knex: Knex): Promise<string[]> {
    const connection = await knex.client.acquireConnection();
    const database = Object.getPrototypeOf(connection);
    await knex.client.releaseConnection(connection);
    const prepared: string[] = [];
    const prepare = database.prepare;
    jest
      .spyOn(database, 'prepare')
      .mockImplementation(function spy(this: unknown, sql: unknown) {
        prepared.push(String(sql));
        return prepare.call(this, sql);
      });
    return prepared;
  }

  it.each(sqlite)(
    'prepares a statement once for queries of the same SQL, whatever their values, %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const prepared = await recordPrepares(knex);
      cacheSqliteStatements(knex);
      const answers = [];
      for (const n of [1, 2, 3, 4]) {
        answers.push((await knex.raw('select ? + 1 as n', [n]))[0].n);
      }
      expect(answers).toEqual([2, 3, 4, 5]);
      expect(prepared.filter(sql => sql === 'select ? + 1 as n')).toHaveLength(
        1,
      );
    },
  );

  it.each(sqlite)(
    'keeps the most recently used statements up to the bound, %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const prepared = await recordPrepares(knex);
      cacheSqliteStatements(knex, 2);
      for (const sql of [
        'select 1 as a',
        'select 2 as b',
        'select 1 as a',
        'select 3 as c',
        'select 2 as b',
        'select 1 as a',
      ]) {
        await knex.raw(sql);
      }
      // b was the least recently used when c came, then a when b came again.
      expect(prepared).toEqual([
        'select 1 as a',
        'select 2 as b',
        'select 3 as c',
        'select 2 as b',
        'select 1 as a',
      ]);
    },
  );

  it.each(sqlite)(
    'answers a kept statement from the schema of the moment, in and out of transactions, %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      cacheSqliteStatements(knex);
      await knex.schema.createTable('kept', table => table.integer('a'));
      await knex('kept').insert({ a: 1 });
      expect(await knex('kept').select('*')).toEqual([{ a: 1 }]);
      await knex.schema.alterTable('kept', table => table.integer('b'));
      expect(await knex('kept').select('*')).toEqual([{ a: 1, b: null }]);

      await expect(
        knex.transaction(async tx => {
          await tx('kept').insert({ a: 2, b: 2 });
          expect(await tx('kept').count({ n: '*' })).toEqual([{ n: 2 }]);
          throw new Error('rolled back');
        }),
      ).rejects.toThrow('rolled back');
      expect(await knex('kept').count({ n: '*' })).toEqual([{ n: 1 }]);
    },
  );

  it.each(sqlite)(
    'gives a kept statement back in the integer mode of the connection after a query asked for big integers, %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      cacheSqliteStatements(knex);
      const query = () => knex.raw('select 7 as n');
      expect(await query().options({ safeIntegers: true })).toEqual([
        { n: 7n },
      ]);
      expect(await query()).toEqual([{ n: 7 }]);
    },
  );

  it('begins transactions with the write lock, so that another connection cannot take it in between', async () => {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'cca-begin-'));
    const filename = path.join(directory, 'analytics.sqlite');
    const knex = knexFactory({
      client: 'better-sqlite3',
      connection: { filename },
      useNullAsDefault: true,
    });
    // Another connection to the file (the checkpoint thread's, say), which does not wait.
    const Database = require('better-sqlite3');
    let other: { prepare(sql: string): { run(): unknown }; close(): void } =
      undefined!;
    try {
      await knex.raw('PRAGMA journal_mode = WAL');
      await knex.schema.createTable('rows', table => table.integer('id'));
      cacheSqliteStatements(knex);
      other = new Database(filename, { timeout: 0 });
      const writeElsewhere = () =>
        other.prepare('INSERT INTO rows (id) VALUES (2)').run();
      await knex.transaction(async tx => {
        // Only read so far: begun deferred, it would not hold the lock yet.
        expect(await tx('rows').count({ n: '*' })).toEqual([{ n: 0 }]);
        expect(writeElsewhere).toThrow('database is locked');
        await tx('rows').insert({ id: 1 });
      });
      expect(await knex('rows').select('id')).toEqual([{ id: 1 }]);
      // Outside a transaction the other connection writes.
      writeElsewhere();
      expect(await knex('rows').orderBy('id').select('id')).toEqual([
        { id: 1 },
        { id: 2 },
      ]);
    } finally {
      other?.close();
      await knex.destroy();
      fs.rmSync(directory, { recursive: true, force: true });
    }
  });

  it.each(ids.filter(([id]) => !id.startsWith('SQLITE')))(
    'leaves other databases alone, %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const acquire = knex.client.acquireConnection;
      cacheSqliteStatements(knex);
      expect(knex.client.acquireConnection).toBe(acquire);
    },
  );
});
