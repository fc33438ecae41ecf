import { Random } from '../demo/random';
import { createTestDatabases } from '../__testUtils__/createTestDatabases';
import {
  migrateUpToBefore,
  storeMigrations,
} from '../__testUtils__/migrateUpToBefore';
import { insertRows } from './insertRows';
import { spanOfMonths } from './activeDays';
import { migrateStore } from './migrateStore';

jest.setTimeout(120_000);

const MIGRATION = '20261126030000_user_active_spans.js';
const MONTHS = Array.from(
  { length: 13 },
  (_, i) =>
    `${2025 + Math.floor((i + 10) / 12)}-${String(((i + 10) % 12) + 1).padStart(
      2,
      '0',
    )}`,
);

/** Often several days of a month, sometimes one, sometimes none. */
function randomMask(random: Random): number {
  if (random.chance(0.1)) {
    return 0;
  }
  return random.chance(0.3)
    ? 1 << random.int(0, 30)
    : random.int(1, 0x7fffffff);
}

describe(`migration ${MIGRATION}`, () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    'reads every span from the masks already rolled up, across pages of rows, and goes down again, %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await migrateUpToBefore(knex, MIGRATION);
      // 1,200 people with up to 13 months each (more than one page of 10,000 rows), some months
      // cleared to 0 and some people with no day left at all.
      const random = new Random(26);
      const masks = new Map<string, Array<{ month: string; days: number }>>();
      const rows = [];
      for (let p = 0; p < 1200; p++) {
        const userRef = `user:default/p${String(p).padStart(4, '0')}`;
        const months = MONTHS.filter(() => random.chance(0.8)).map(month => ({
          month,
          days: p % 50 === 0 ? 0 : randomMask(random),
        }));
        masks.set(userRef, months);
        rows.push(...months.map(m => ({ user_ref: userRef, ...m })));
      }
      expect(rows.length).toBeGreaterThan(10_000);
      await insertRows(knex, 'user_active_months', rows);
      await migrateStore(knex);

      const expected = [...masks.entries()].flatMap(([userRef, months]) => {
        const span = spanOfMonths(months);
        return span ? [{ user_ref: userRef, ...span }] : [];
      });
      expect(expected.length).toBeLessThan(1200);
      expect(
        await knex('user_active_spans')
          .select('user_ref', 'first_date', 'last_date', 'prior_date')
          .orderBy('user_ref'),
      ).toEqual(expected);

      await knex.migrate.down({ ...storeMigrations, name: MIGRATION });
      expect(await knex.schema.hasTable('user_active_spans')).toBe(false);
      await knex.destroy();
    },
  );
});
