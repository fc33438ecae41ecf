import { Knex } from 'knex';
import { createTestDatabases } from '../__testUtils__/createTestDatabases';
import { migrateStore } from '../store/migrateStore';
import {
  dequeue,
  enqueueEntityDays,
  enqueueUserDays,
  readQueue,
} from './rollupQueue';

jest.setTimeout(60_000);

async function queued(knex: Knex, table: string, column: string) {
  return (await knex(table).select(column, 'date').orderBy([column, 'date']))
    .map(row => `${row[column]} ${row.date}`)
    .join(', ');
}

describe('rollup queues', () => {
  const databases = createTestDatabases();

  afterEach(() => jest.restoreAllMocks());

  it.each(databases.eachSupportedId())(
    'removes the pairs read, except those queued again since, %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await migrateStore(knex);
      const now = jest.spyOn(Date, 'now');

      // 600 people's days, each queued at a time of its own (as OTLP exports queue them), more
      // than one statement's worth.
      const people = Array.from(
        { length: 600 },
        (_, i) => `user:default/u${i}`,
      );
      for (const [i, ref] of people.entries()) {
        now.mockReturnValue(1764150000000 + i);
        await enqueueUserDays(knex, [{ ref, date: '2026-11-24' }]);
      }
      now.mockReturnValue(1764150001000);
      await enqueueUserDays(knex, [
        { ref: 'user:default/ada', date: '2026-11-25' },
      ]);
      await enqueueEntityDays(knex, [
        { ref: 'group:default/team-a', date: '2026-11-24' },
      ]);
      const read = await readQueue(knex, 'rollup_user_queue', 1000);
      expect(read).toHaveLength(601);

      // Queued again while the rollup worked: the 7th person and Ada.
      now.mockReturnValue(1764150002000);
      await enqueueUserDays(knex, [
        { ref: 'user:default/u7', date: '2026-11-24' },
        { ref: 'user:default/ada', date: '2026-11-25' },
      ]);
      await dequeue(knex, 'rollup_user_queue', read);
      expect(await queued(knex, 'rollup_user_queue', 'user_ref')).toBe(
        'user:default/ada 2026-11-25, user:default/u7 2026-11-24',
      );
      // The other queue is not touched.
      expect(await queued(knex, 'rollup_entity_queue', 'entity_ref')).toBe(
        'group:default/team-a 2026-11-24',
      );

      await dequeue(
        knex,
        'rollup_user_queue',
        await readQueue(knex, 'rollup_user_queue', 1000),
      );
      expect(await queued(knex, 'rollup_user_queue', 'user_ref')).toBe('');
      await knex.destroy();
    },
  );

  it.each(databases.eachSupportedId())(
    'keeps a pair queued again within the millisecond it was read in, or by a clock behind, %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await migrateStore(knex);
      const now = jest.spyOn(Date, 'now').mockReturnValue(1764150000000);
      await enqueueEntityDays(knex, [
        { ref: 'group:default/team-a', date: '2026-11-24' },
        { ref: 'group:default/team-b', date: '2026-11-24' },
      ]);
      const read = await readQueue(knex, 'rollup_entity_queue', 10);
      // Team A queued again in the same millisecond, team B by a replica whose clock is behind.
      await enqueueEntityDays(knex, [
        { ref: 'group:default/team-a', date: '2026-11-24' },
      ]);
      now.mockReturnValue(1764149999000);
      await enqueueEntityDays(knex, [
        { ref: 'group:default/team-b', date: '2026-11-24' },
      ]);
      await dequeue(knex, 'rollup_entity_queue', read);
      expect(await queued(knex, 'rollup_entity_queue', 'entity_ref')).toBe(
        'group:default/team-a 2026-11-24, group:default/team-b 2026-11-24',
      );
      await knex.destroy();
    },
  );
});
