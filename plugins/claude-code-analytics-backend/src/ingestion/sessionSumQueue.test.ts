import { RequestRecord } from 'backstage-plugin-claude-code-analytics-common';
import { Knex } from 'knex';
import { createTestDatabases } from '../__testUtils__/createTestDatabases';
import { migrateStore } from '../store/migrateStore';
import { DEFAULT_PRICING } from './PricingOptions';
import {
  enqueueSessionGroups,
  resumQueuedSessionGroups,
} from './sessionSumQueue';
import { SESSIONS_SOURCE, writeSessionUsage } from './sumSessionUsage';
import { storeRequestRecords } from './writeRequestRecords';

jest.setTimeout(60_000);

function request(
  id: string,
  identity: string,
  timestamp: string,
  input: number,
): RequestRecord {
  return {
    type: 'request',
    sessionId: `session-${identity}`,
    requestId: id,
    timestamp,
    identity,
    model: 'claude-sonnet-4-5',
    tokens: { input, output: 10, cacheRead: 0, cacheCreation: 0 },
  };
}

/** Stores one export's requests and queues their session groups, as the OTLP receiver does. */
async function exportRequests(knex: Knex, records: RequestRecord[]) {
  const { groups } = await storeRequestRecords(knex, 'otlp', records);
  await enqueueSessionGroups(knex, groups);
}

/** The input tokens of an identity's re-summed days (the `sessions` source). */
async function resummedInput(knex: Knex, identity: string) {
  const [row] = await knex('usage_model_daily')
    .where({ source: SESSIONS_SOURCE, identity })
    .sum({ input: 'input_tokens' });
  return Number(row.input ?? 0);
}

describe('session sum queue', () => {
  const databases = createTestDatabases();

  afterEach(() => jest.restoreAllMocks());

  it.each(databases.eachSupportedId())(
    're-sums each queued group once per run, however often it was queued, %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await migrateStore(knex);
      const inputOf = async (identity: string) => {
        const [row] = await knex('usage_model_daily')
          .where({ source: SESSIONS_SOURCE, identity })
          .sum({ input: 'input_tokens' });
        return Number(row.input ?? 0);
      };

      await knex('user_identities').insert([
        { identity: 'ada@acme.example', user_ref: 'user:default/ada' },
        { identity: 'grace@acme.example', user_ref: 'user:default/grace' },
      ]);
      // Three exports of ada's day and one of grace's, stored without re-summing.
      const exports = [
        [request('r1', 'ada@acme.example', '2026-11-24T10:00:00Z', 100)],
        [request('r2', 'ada@acme.example', '2026-11-24T11:00:00Z', 200)],
        [
          request('r3', 'ada@acme.example', '2026-11-24T12:00:00Z', 300),
          request('r4', 'grace@acme.example', '2026-11-24T12:00:00Z', 7),
        ],
      ];
      for (const records of exports) {
        await exportRequests(knex, records);
      }
      expect(await inputOf('ada@acme.example')).toBe(0);
      // Ada's day once, Grace's once.
      expect(
        Number((await knex('session_sum_queue').count({ n: '*' }))[0].n),
      ).toBe(2);

      const resum = jest.fn(writeSessionUsage);
      expect(
        await resumQueuedSessionGroups(knex, DEFAULT_PRICING, { resum }),
      ).toBe(2);
      expect(resum).toHaveBeenCalledTimes(1);
      expect(await inputOf('ada@acme.example')).toBe(600);
      expect(await inputOf('grace@acme.example')).toBe(7);
      expect(await knex('session_sum_queue').select()).toEqual([]);
      // The re-sum queued the people's days for the rollups.
      expect(
        (await knex('rollup_user_queue').select('user_ref', 'date'))
          .map(row => `${row.user_ref} ${row.date}`)
          .sort(),
      ).toEqual([
        'user:default/ada 2026-11-24',
        'user:default/grace 2026-11-24',
      ]);
    },
  );

  it.each(databases.eachSupportedId())(
    'keeps a group queued again while it was being re-summed for the next call, %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await migrateStore(knex);
      const first = [
        request('r1', 'ada@acme.example', '2026-11-24T10:00:00Z', 100),
      ];
      await exportRequests(knex, first);

      // An export of the same day arrives while the run re-sums it.
      let late = true;
      const resum = jest.fn(
        async (...args: Parameters<typeof writeSessionUsage>) => {
          await writeSessionUsage(...args);
          if (late) {
            late = false;
            const now = Date.now();
            jest.spyOn(Date, 'now').mockReturnValue(now + 1000);
            await exportRequests(knex, [
              request('r2', 'ada@acme.example', '2026-11-24T11:00:00Z', 50),
            ]);
          }
        },
      );

      expect(
        await resumQueuedSessionGroups(knex, DEFAULT_PRICING, { resum }),
      ).toBe(1);
      // The late export stays queued, for the next call: a call takes each group once, so that a
      // stream of exports cannot keep it going (and the rollups after it waiting).
      expect(resum).toHaveBeenCalledTimes(1);
      const inputOfAda = async () => {
        const [row] = await knex('usage_model_daily')
          .where({ source: SESSIONS_SOURCE, identity: 'ada@acme.example' })
          .sum({ input: 'input_tokens' });
        return Number(row.input);
      };
      expect(await inputOfAda()).toBe(100);
      expect(
        (await knex('session_sum_queue').select('identity', 'date')).map(
          row => `${row.identity} ${row.date}`,
        ),
      ).toEqual(['ada@acme.example 2026-11-24']);

      expect(
        await resumQueuedSessionGroups(knex, DEFAULT_PRICING, { resum }),
      ).toBe(1);
      expect(await inputOfAda()).toBe(150);
      expect(await knex('session_sum_queue').select()).toEqual([]);
    },
  );

  it.each(databases.eachSupportedId())(
    'keeps a group queued again within the millisecond it was read in, %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await migrateStore(knex);
      // Every write and the re-sum in one millisecond.
      jest.spyOn(Date, 'now').mockReturnValue(1764150000000);
      await exportRequests(knex, [
        request('r1', 'ada@acme.example', '2026-11-24T10:00:00Z', 100),
      ]);
      let late = true;
      const resum = async (...args: Parameters<typeof writeSessionUsage>) => {
        await writeSessionUsage(...args);
        if (late) {
          late = false;
          await exportRequests(knex, [
            request('r2', 'ada@acme.example', '2026-11-24T11:00:00Z', 50),
          ]);
        }
      };
      await resumQueuedSessionGroups(knex, DEFAULT_PRICING, { resum });
      // Still queued, its stamp one past the time read: the next call (a millisecond later) takes it.
      expect(
        (await knex('session_sum_queue').select('identity', 'enqueued_at')).map(
          row => `${row.identity} ${row.enqueued_at}`,
        ),
      ).toEqual(['ada@acme.example 1764150000001']);
      jest.spyOn(Date, 'now').mockReturnValue(1764150000001);
      await resumQueuedSessionGroups(knex, DEFAULT_PRICING, { resum });
      expect(await resummedInput(knex, 'ada@acme.example')).toBe(150);
      expect(await knex('session_sum_queue').select()).toEqual([]);
    },
  );

  it.each(databases.eachSupportedId())(
    'takes a group queued many times within a millisecond at the next call, %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await migrateStore(knex);
      // Five exports of Ada's day within one millisecond: stamped t to t + 4.
      jest.spyOn(Date, 'now').mockReturnValue(1764150000000);
      for (let i = 1; i <= 5; i++) {
        await exportRequests(knex, [
          request(`r${i}`, 'ada@acme.example', '2026-11-24T10:00:00Z', 10),
        ]);
      }
      expect(
        (await knex('session_sum_queue').select('enqueued_at')).map(row =>
          Number(row.enqueued_at),
        ),
      ).toEqual([1764150000004]);

      // A call a millisecond later (a caller waiting for the exports' data) re-sums all five.
      jest.spyOn(Date, 'now').mockReturnValue(1764150000001);
      expect(await resumQueuedSessionGroups(knex, DEFAULT_PRICING)).toBe(1);
      expect(await resummedInput(knex, 'ada@acme.example')).toBe(50);
      expect(await knex('session_sum_queue').select()).toEqual([]);
    },
  );

  it.each(databases.eachSupportedId())(
    'walks the queue once in batches: what is queued behind the walk waits, what is ahead is taken, %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await migrateStore(knex);
      const queue = async (name: string, id: string) => {
        await exportRequests(knex, [
          request(id, `${name}@acme.example`, '2026-11-24T10:00:00Z', 10),
        ]);
      };
      for (const name of ['ada', 'bob', 'cy', 'dee', 'eve']) {
        await queue(name, `${name}-1`);
      }
      const batches: string[][] = [];
      const resum = async (...args: Parameters<typeof writeSessionUsage>) => {
        batches.push(args[1].map(group => group.identity.split('@')[0]));
        await writeSessionUsage(...args);
        if (batches.length === 1) {
          // While the first batch (ada, bob) is re-summed: Ada again, Abe (behind the walk) and
          // Zed (ahead of it).
          await queue('ada', 'ada-2');
          await queue('abe', 'abe-1');
          await queue('zed', 'zed-1');
        }
      };
      expect(
        await resumQueuedSessionGroups(knex, DEFAULT_PRICING, {
          batchSize: 2,
          resum,
        }),
      ).toBe(6);
      expect(batches).toEqual([
        ['ada', 'bob'],
        ['cy', 'dee'],
        ['eve', 'zed'],
      ]);
      const left = async () =>
        (await knex('session_sum_queue').select('identity'))
          .map(row => row.identity.split('@')[0])
          .sort();
      expect(await left()).toEqual(['abe', 'ada']);

      expect(
        await resumQueuedSessionGroups(knex, DEFAULT_PRICING, {
          batchSize: 2,
          resum,
        }),
      ).toBe(2);
      expect(batches[3]).toEqual(['abe', 'ada']);
      expect(await left()).toEqual([]);
      expect(await resummedInput(knex, 'ada@acme.example')).toBe(20);
    },
  );
});
