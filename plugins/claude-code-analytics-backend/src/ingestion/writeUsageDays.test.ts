import { Knex } from 'knex';
import { createTestDatabases } from '../__testUtils__/createTestDatabases';
import { queriesDuring } from '../__testUtils__/queriesDuring';
import { migrateStore } from '../store/migrateStore';
import { DEFAULT_PRICING } from './PricingOptions';
import { UsageDay } from './types';
import { writeUsageDays } from './writeUsageDays';

jest.setTimeout(60_000);

const tokens = (input: number) => ({
  input,
  output: 10,
  cacheRead: 0,
  cacheCreation: 0,
});

const ledgerDay = (more: Partial<UsageDay> = {}): UsageDay => ({
  identity: 'Ada@Example.com',
  date: '2026-03-02',
  provider: 'firstParty',
  repository: 'Acme/Ledger',
  activity: {
    sessions: 1,
    activeSeconds: 600,
    linesAdded: 10,
    linesRemoved: 2,
    commits: 0,
    pullRequests: 0,
    toolDecisions: { Edit: { accepted: 1, rejected: 0 } },
    toolResults: { Bash: { succeeded: 2, failed: 1 } },
  },
  models: [
    { model: 'claude-opus-4-1', tokens: tokens(100) },
    { model: 'claude-sonnet-4-5', tokens: tokens(200) },
  ],
  ...more,
});

const webDay: UsageDay = {
  identity: 'ada@example.com',
  date: '2026-03-02',
  provider: 'firstParty',
  repository: 'acme/web',
  activity: {
    sessions: 1,
    activeSeconds: 60,
    linesAdded: 1,
    linesRemoved: 0,
    commits: 0,
    pullRequests: 0,
    toolDecisions: {},
  },
  models: [{ model: 'claude-haiku-4-5', tokens: tokens(5) }],
};

/** Every usage row of a source, with the time each was received (where the table keeps one). */
async function usageRows(knex: Knex, source: string) {
  const received = (row: { received_at: unknown }) =>
    new Date(row.received_at as string).toISOString();
  const activity = await knex('usage_activity_daily')
    .where({ source })
    .orderBy('repository');
  const models = await knex('usage_model_daily')
    .where({ source })
    .orderBy(['repository', 'model']);
  const tools = await knex('usage_tool_daily')
    .where({ source })
    .orderBy(['repository', 'tool']);
  return [
    ...activity.map(
      row => `${row.repository} lines ${row.lines_added} at ${received(row)}`,
    ),
    ...models.map(
      row =>
        `${row.repository} ${row.model} input ${row.input_tokens} at ${received(
          row,
        )}`,
    ),
    ...tools.map(
      row =>
        `${row.repository} ${row.tool} ${row.accepted}/${row.rejected} ${row.succeeded}/${row.failed}`,
    ),
  ];
}

/**
 * The statements that change the usage tables while `write` runs: the table, and the text values
 * bound (the keys written or deleted).
 */
async function usageWrites(knex: Knex, write: () => Promise<unknown>) {
  const pattern = /^\s*(insert|delete|update)\b.*?(usage_\w+_daily)/is;
  return (await queriesDuring(knex, pattern, write)).map(query => {
    const match = pattern.exec(query.sql)!;
    // Flat: PostgreSQL gets the keys of a delete as one array per column, and an insert's rows
    // as one JSON parameter (insertRows).
    const texts = query.bindings
      .flatMap(value =>
        typeof value === 'string' && value.startsWith('[{')
          ? JSON.parse(value).flatMap(Object.values)
          : value,
      )
      .filter(
        value =>
          typeof value === 'string' &&
          /^(claude-|Edit|Write|Bash|acme\/)/.test(value),
      );
    return `${match[1].toLowerCase()} ${match[2]}: ${[...new Set(texts)]
      .sort()
      .join(' ')}`;
  });
}

describe('writeUsageDays', () => {
  const databases = createTestDatabases();

  beforeEach(() => {
    // Only the clock: the databases' drivers keep their real timers.
    jest.useFakeTimers({
      doNotFake: [
        'hrtime',
        'nextTick',
        'performance',
        'queueMicrotask',
        'requestAnimationFrame',
        'cancelAnimationFrame',
        'requestIdleCallback',
        'cancelIdleCallback',
        'setImmediate',
        'clearImmediate',
        'setInterval',
        'clearInterval',
        'setTimeout',
        'clearTimeout',
      ],
    });
  });

  afterEach(() => {
    jest.useRealTimers();
  });

  it.each(databases.eachSupportedId())(
    'makes each key hold the day written last, writing only the rows that change, %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await migrateStore(knex);
      await knex('user_identities').insert({
        identity: 'ada@example.com',
        user_ref: 'user:default/ada',
      });
      /** Ada's days queued for the rollups since the last call; the queue is emptied. */
      const queuedDays = async () => {
        const rows = await knex('rollup_user_queue').select('user_ref', 'date');
        await knex('rollup_user_queue').delete();
        return rows.map(row => `${row.user_ref} ${row.date}`);
      };

      jest.setSystemTime(new Date('2026-03-02T10:00:00Z'));
      await writeUsageDays(
        knex,
        'test',
        [ledgerDay(), webDay],
        DEFAULT_PRICING,
      );
      // Another source's rows of the same person's day are not this source's to replace.
      await writeUsageDays(knex, 'other', [webDay], DEFAULT_PRICING);
      const other = await usageRows(knex, 'other');
      expect(await queuedDays()).toEqual(['user:default/ada 2026-03-02']);
      expect(await usageRows(knex, 'test')).toEqual([
        'acme/ledger lines 10 at 2026-03-02T10:00:00.000Z',
        'acme/web lines 1 at 2026-03-02T10:00:00.000Z',
        'acme/ledger claude-opus-4-1 input 100 at 2026-03-02T10:00:00.000Z',
        'acme/ledger claude-sonnet-4-5 input 200 at 2026-03-02T10:00:00.000Z',
        'acme/web claude-haiku-4-5 input 5 at 2026-03-02T10:00:00.000Z',
        'acme/ledger Bash 0/0 2/1',
        'acme/ledger Edit 1/0 0/0',
      ]);

      // The ledger's day again: more lines, one model's tokens changed and one the same, a tool
      // run gone and a new tool; the web day with nothing left.
      jest.setSystemTime(new Date('2026-03-02T10:05:00Z'));
      const later = ledgerDay({
        activity: {
          ...ledgerDay().activity!,
          linesAdded: 25,
          toolDecisions: {
            Edit: { accepted: 1, rejected: 0 },
            Write: { accepted: 0, rejected: 1 },
          },
          toolResults: {},
        },
        models: [
          { model: 'claude-opus-4-1', tokens: tokens(100) },
          { model: 'claude-sonnet-4-5', tokens: tokens(450) },
        ],
      });
      const emptyWebDay = { ...webDay, activity: undefined, models: [] };
      const changes = await usageWrites(knex, () =>
        writeUsageDays(knex, 'test', [later, emptyWebDay], DEFAULT_PRICING),
      );
      expect(await usageRows(knex, 'test')).toEqual([
        'acme/ledger lines 25 at 2026-03-02T10:05:00.000Z',
        // Unchanged: not written again, so received when first written.
        'acme/ledger claude-opus-4-1 input 100 at 2026-03-02T10:00:00.000Z',
        'acme/ledger claude-sonnet-4-5 input 450 at 2026-03-02T10:05:00.000Z',
        'acme/ledger Edit 1/0 0/0',
        'acme/ledger Write 0/1 0/0',
      ]);
      // The changed and new rows are upserted, the gone ones deleted; the unchanged (opus, Edit)
      // are not written.
      expect(changes.sort()).toEqual([
        'delete usage_activity_daily: acme/web',
        'delete usage_model_daily: acme/web claude-haiku-4-5',
        'delete usage_tool_daily: Bash acme/ledger',
        'insert usage_activity_daily: acme/ledger',
        'insert usage_model_daily: acme/ledger claude-sonnet-4-5',
        'insert usage_tool_daily: Write acme/ledger',
      ]);
      expect(await usageRows(knex, 'other')).toEqual(other);
      expect(await queuedDays()).toEqual(['user:default/ada 2026-03-02']);

      // The same day once more: nothing in the usage tables is written, and Ada's facts are not
      // queued for recomputing.
      jest.setSystemTime(new Date('2026-03-02T10:10:00Z'));
      expect(
        await usageWrites(knex, () =>
          writeUsageDays(knex, 'test', [later, emptyWebDay], DEFAULT_PRICING),
        ),
      ).toEqual([]);
      expect(await usageRows(knex, 'test')).toContain(
        'acme/ledger lines 25 at 2026-03-02T10:05:00.000Z',
      );
      expect(await queuedDays()).toEqual([]);
    },
  );

  it.each(databases.eachSupportedId())(
    'replaces days across statements of 200 keys, %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await migrateStore(knex);
      // 450 repositories of one day: three chunks of keys.
      const days = (linesOf: (i: number) => number | undefined) =>
        Array.from({ length: 450 }, (_, i) => {
          const lines = linesOf(i);
          return ledgerDay({
            repository: `acme/repo-${String(i).padStart(3, '0')}`,
            activity:
              lines === undefined
                ? undefined
                : { ...ledgerDay().activity!, linesAdded: lines },
            models: [],
          });
        });
      const linesByRepository = async () =>
        (
          await knex('usage_activity_daily')
            .where({ source: 'test' })
            .orderBy('repository')
        ).map(row => `${row.repository.slice(-3)}:${row.lines_added}`);

      await writeUsageDays(
        knex,
        'test',
        days(i => i),
        DEFAULT_PRICING,
      );
      expect(await linesByRepository()).toEqual(
        Array.from(
          { length: 450 },
          (_, i) => `${String(i).padStart(3, '0')}:${i}`,
        ),
      );
      // Every third day changes, every third is gone, the rest stay.
      await writeUsageDays(
        knex,
        'test',
        days(i => [i, i + 1000, undefined][i % 3]),
        DEFAULT_PRICING,
      );
      expect(await linesByRepository()).toEqual(
        Array.from({ length: 450 }, (_, i) => i)
          .filter(i => i % 3 !== 2)
          .map(
            i => `${String(i).padStart(3, '0')}:${i % 3 === 0 ? i : i + 1000}`,
          ),
      );
      // The tool rows of the gone days went with them.
      expect(
        Number(
          (
            await knex('usage_tool_daily')
              .where({ source: 'test' })
              .count({ n: '*' })
          )[0].n,
        ),
      ).toBe(2 * 300);
    },
  );
});
