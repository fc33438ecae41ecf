import { Knex } from 'knex';
import { createTestDatabases } from '../__testUtils__/createTestDatabases';
import { untilAdvisoryLockWaited } from '../__testUtils__/untilAdvisoryLockWaited';
import { migrateStore } from '../store/migrateStore';
import { markActiveDays } from './markActiveDays';

jest.setTimeout(60_000);

const ADA = 'user:default/ada';

/** The stored spans, without their people. */
function spans(knex: Knex) {
  return knex('user_active_spans').select(
    'first_date',
    'last_date',
    'prior_date',
  );
}

describe('markActiveDays', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    'keeps both days when two transactions mark two days of one person at once, %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await migrateStore(knex);
      await knex('user_active_spans').insert({
        user_ref: ADA,
        first_date: '2026-03-02',
        last_date: '2026-03-02',
        prior_date: null,
      });
      await knex('user_active_months').insert({
        user_ref: ADA,
        month: '2026-03',
        days: 1 << 1,
      });

      // The first transaction marks the 5th and stays open while the second marks the 9th (on
      // SQLite the second waits for the only connection; on PostgreSQL for the first's lock).
      const first = await knex.transaction();
      await markActiveDays(first, '2026-03-05', [ADA], new Set([ADA]));
      const second = knex.transaction(async tx => {
        await markActiveDays(tx, '2026-03-09', [ADA], new Set([ADA]));
      });
      await untilAdvisoryLockWaited(knex);
      await first.commit();
      await second;

      expect(
        Number((await knex('user_active_months').first()).days).toString(2),
      ).toBe(((1 << 1) | (1 << 4) | (1 << 8)).toString(2));
      expect(await spans(knex)).toEqual([
        {
          first_date: '2026-03-02',
          last_date: '2026-03-09',
          prior_date: '2026-03-05',
        },
      ]);
      await knex.destroy();
    },
  );

  it.each(databases.eachSupportedId())(
    'reads the span of a person who has days but no span from the masks, %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await migrateStore(knex);
      // Days in February from before the spans were kept.
      await knex('user_active_months').insert({
        user_ref: ADA,
        month: '2026-02',
        days: (1 << 2) | (1 << 19),
      });
      await knex.transaction(tx =>
        markActiveDays(tx, '2026-03-05', [ADA], new Set([ADA])),
      );
      expect(await spans(knex)).toEqual([
        {
          first_date: '2026-02-03',
          last_date: '2026-03-05',
          prior_date: '2026-02-20',
        },
      ]);
      await knex.destroy();
    },
  );
});
