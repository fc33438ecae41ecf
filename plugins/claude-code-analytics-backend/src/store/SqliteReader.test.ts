import { mockServices } from '@backstage/backend-test-utils';
import knexFactory, { Knex } from 'knex';
import { openSqliteFile } from '../__testUtils__/openSqliteFile';
import { readOnConnection, SqliteQuery, SqliteReader } from './SqliteReader';

jest.setTimeout(60_000);

/** A query that keeps SQLite busy for a while (counts to ten million) and returns one row. */
const LONG: SqliteQuery = {
  sql: `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
        SELECT COUNT(*) AS counted FROM n`,
  bindings: [10_000_000],
};

/** Turns of the event loop (setImmediate callbacks) while `work` is under way. */
async function turnsDuring<T>(work: () => Promise<T>) {
  let turns = 0;
  let counting = true;
  const count = () => {
    if (counting) {
      turns++;
      setImmediate(count);
    }
  };
  setImmediate(count);
  const result = await work();
  counting = false;
  return { result, turns };
}

describe('SqliteReader', () => {
  let knex: Knex;
  let remove: () => Promise<void>;
  let reader: SqliteReader | undefined;
  const logger = mockServices.logger.mock();

  beforeEach(async () => {
    ({ knex, remove } = await openSqliteFile('cca-reader-'));
    await knex.schema.createTable('rows', table => {
      table.integer('id').primary();
      table.string('text');
    });
    await knex('rows').insert([
      { id: 1, text: 'one' },
      { id: 2, text: 'two' },
    ]);
    reader = await SqliteReader.start({ knex, logger });
  });

  afterEach(async () => {
    await reader?.stop();
    await remove();
    jest.clearAllMocks();
  });

  const all: SqliteQuery = {
    sql: 'SELECT id, text FROM rows WHERE id >= ? ORDER BY id',
    bindings: [1],
  };

  it('reads what the main connection committed, several queries at once', async () => {
    expect(reader).toBeDefined();
    await knex('rows').insert({ id: 3, text: 'three' });
    const [rows, [count]] = await reader!.read([
      all,
      { sql: 'SELECT COUNT(*) AS n FROM rows', bindings: [] },
    ]);
    expect(rows).toEqual([
      { id: 1, text: 'one' },
      { id: 2, text: 'two' },
      { id: 3, text: 'three' },
    ]);
    expect(count).toEqual({ n: 3 });
    // The same answer as the main connection's.
    expect(await readOnConnection(knex)([all])).toEqual([rows]);
  });

  it('does not hold the event loop while a query runs, and flags the read meanwhile', async () => {
    const flag = new Int32Array(reader!.reading);
    let flagged = false;
    const onThread = await turnsDuring(() => {
      const read = reader!.read([LONG]);
      const look = setInterval(() => {
        flagged ||= Atomics.load(flag, 0) === 1;
      }, 5);
      return read.finally(() => clearInterval(look));
    });
    expect(onThread.result).toEqual([[{ counted: 10_000_000 }]]);
    expect(flagged).toBe(true);
    expect(Atomics.load(flag, 0)).toBe(0);
    // The same query on the main connection holds the loop until it ends: the test can tell.
    const onConnection = await turnsDuring(() =>
      readOnConnection(knex)([LONG]),
    );
    expect(onConnection.result).toEqual(onThread.result);
    expect(onConnection.turns).toBeLessThan(5);
    expect(onThread.turns).toBeGreaterThan(onConnection.turns + 20);
  });

  it('refuses statements that write, and they change nothing', async () => {
    await expect(
      reader!.read([{ sql: 'DELETE FROM rows', bindings: [] }]),
    ).rejects.toThrow('only runs queries that read');
    await expect(
      reader!.read([
        {
          sql: "UPDATE rows SET text = 'x' WHERE id = ? RETURNING id",
          bindings: [1],
        },
      ]),
    ).rejects.toThrow('only runs queries that read');
    await expect(
      reader!.read([{ sql: 'SELECT id FROM nowhere', bindings: [] }]),
    ).rejects.toThrow('no such table: nowhere');
    expect(await knex('rows').orderBy('id')).toEqual([
      { id: 1, text: 'one' },
      { id: 2, text: 'two' },
    ]);
    // And it goes on reading.
    expect((await reader!.read([all]))[0]).toHaveLength(2);
  });

  it('reads on the main connection when the thread is gone, waiting reads included', async () => {
    const waiting = reader!.read([LONG, all]);
    await (
      reader as unknown as { worker: { terminate(): Promise<number> } }
    ).worker.terminate();
    expect(await waiting).toEqual([
      [{ counted: 10_000_000 }],
      [
        { id: 1, text: 'one' },
        { id: 2, text: 'two' },
      ],
    ]);
    expect(logger.error).toHaveBeenCalledTimes(1);
    expect(logger.error).toHaveBeenCalledWith(
      expect.stringContaining('SQLite rollups read on the event loop again'),
    );
    await knex('rows').insert({ id: 3, text: 'three' });
    expect((await reader!.read([all]))[0]).toHaveLength(3);
    // Stopped, it reads on the main connection too, and logs nothing more.
    await reader!.stop();
    expect((await reader!.read([all]))[0]).toHaveLength(3);
    expect(logger.error).toHaveBeenCalledTimes(1);
  });

  it('starts no thread for an in-memory database', async () => {
    const memory = knexFactory({
      client: 'better-sqlite3',
      connection: { filename: ':memory:' },
      useNullAsDefault: true,
    });
    expect(await SqliteReader.start({ knex: memory, logger })).toBeUndefined();
    await memory.destroy();
  });
});
