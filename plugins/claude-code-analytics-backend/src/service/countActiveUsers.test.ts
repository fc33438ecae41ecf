import { mockServices } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import { createTestDatabases } from '../__testUtils__/createTestDatabases';
import { migrateUpToBefore } from '../__testUtils__/migrateUpToBefore';
import { DEFAULT_PRICING } from '../ingestion/PricingOptions';
import { writeUsageDays } from '../ingestion/writeUsageDays';
import { RollupEngine } from '../rollups/RollupEngine';
import { migrateStore } from '../store/migrateStore';
import { toNumber } from '../store/tables';
import { countActiveUsers } from './countActiveUsers';

jest.setTimeout(60_000);

const GROUP = 'group:default/team';
const PEOPLE = ['ada', 'grace', 'linus', 'barbara'];

/** The oracle: members with any usage fact of their own in the range. */
async function activeFromFacts(
  knex: Knex,
  range: { from: string; to: string },
): Promise<number> {
  const [{ n }] = await knex('usage_facts')
    .whereIn(
      'user_ref',
      PEOPLE.map(p => `user:default/${p}`),
    )
    .where('attribution', 'self')
    .whereBetween('date', [range.from, range.to])
    .countDistinct({ n: 'user_ref' });
  return toNumber(n);
}

/** Each person's first, last and prior active day, as kept beside the masks. */
async function spans(knex: Knex): Promise<Array<Array<string | null>>> {
  return (await knex('user_active_spans').orderBy('user_ref')).map(row => [
    row.user_ref.replace('user:default/', ''),
    row.first_date,
    row.last_date,
    row.prior_date,
  ]);
}

async function indexTeam(knex: Knex) {
  await knex('user_identities').insert(
    PEOPLE.map(p => ({
      identity: `${p}@acme.example`,
      user_ref: `user:default/${p}`,
    })),
  );
  await knex('ownership_entities').insert({
    entity_ref: GROUP,
    kind: 'group',
  });
  await knex('entity_members').insert(
    PEOPLE.map(p => ({ entity_ref: GROUP, user_ref: `user:default/${p}` })),
  );
  await knex('entity_scopes').insert(
    PEOPLE.map(p => ({ entity_ref: GROUP, scope_ref: `user:default/${p}` })),
  );
}

const used = (person: string, date: string) => ({
  identity: `${person}@acme.example`,
  date,
  provider: 'firstParty',
  models: [
    {
      model: 'claude-sonnet-4-5',
      tokens: { input: 100, output: 10, cacheRead: 0, cacheCreation: 0 },
    },
  ],
});

/** Ranges across month edges, single days, whole months and a year. */
const RANGES = [
  ['2026-01-31', '2026-01-31'],
  ['2026-01-01', '2026-01-30'],
  ['2026-01-31', '2026-02-01'],
  ['2026-02-02', '2026-02-27'],
  ['2026-02-28', '2026-03-01'],
  ['2026-02-01', '2026-02-28'],
  ['2026-03-02', '2026-03-30'],
  ['2026-03-31', '2026-04-30'],
  ['2025-12-01', '2026-12-31'],
  ['2026-01-15', '2026-03-15'],
  ['2026-02-16', '2026-02-27'],
].map(([from, to]) => ({ from, to, days: 1 }));

describe('countActiveUsers', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    'counts the members active in any range as their usage facts do, as days come and go, %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await migrateStore(knex);
      await indexTeam(knex);
      const rollups = RollupEngine.create({
        knex,
        logger: mockServices.logger.mock(),
      });
      /** Writes some days, rolls them up, and checks the counts of every range and the spans. */
      const step = async (
        days: Parameters<typeof writeUsageDays>[2],
        expected: { counts: number[]; spans: Array<Array<string | null>> },
      ) => {
        await writeUsageDays(knex, 'import', days, DEFAULT_PRICING);
        await rollups.run();
        const counts = [];
        for (const range of RANGES) {
          const { activeUsers, activeMembers } = await countActiveUsers(
            knex,
            GROUP,
            'group',
            range,
          );
          expect(activeMembers).toBe(activeUsers);
          expect(activeUsers).toBe(await activeFromFacts(knex, range));
          counts.push(activeUsers);
        }
        // The figures themselves, so that both sides cannot be wrong the same way.
        expect(counts).toEqual(expected.counts);
        expect(await spans(knex)).toEqual(expected.spans);
      };
      const withdrawn = (person: string, date: string) => ({
        ...used(person, date),
        models: [],
      });

      await step(
        [
          used('ada', '2026-01-31'),
          used('grace', '2026-02-01'),
          used('grace', '2026-03-31'),
          used('linus', '2026-02-28'),
          used('barbara', '2026-03-01'),
        ],
        {
          counts: [1, 0, 2, 0, 2, 2, 0, 1, 4, 4, 0],
          spans: [
            ['ada', '2026-01-31', '2026-01-31', null],
            ['barbara', '2026-03-01', '2026-03-01', null],
            ['grace', '2026-02-01', '2026-03-31', '2026-02-01'],
            ['linus', '2026-02-28', '2026-02-28', null],
          ],
        },
      );

      // Ada's day is withdrawn (an empty day replaces it) and Linus works on the 15th of March.
      await step(
        [withdrawn('ada', '2026-01-31'), used('linus', '2026-03-15')],
        {
          counts: [0, 0, 1, 0, 2, 2, 1, 1, 3, 3, 0],
          spans: [
            ['barbara', '2026-03-01', '2026-03-01', null],
            ['grace', '2026-02-01', '2026-03-31', '2026-02-01'],
            ['linus', '2026-02-28', '2026-03-15', '2026-02-28'],
          ],
        },
      );

      // Grace works on two days inside her span: a range between her first and her prior day is
      // read from the masks (the 4th finds her there, the last does not).
      await step([used('grace', '2026-02-15'), used('grace', '2026-03-10')], {
        counts: [0, 0, 1, 1, 2, 2, 2, 1, 3, 3, 0],
        spans: [
          ['barbara', '2026-03-01', '2026-03-01', null],
          ['grace', '2026-02-01', '2026-03-31', '2026-03-10'],
          ['linus', '2026-02-28', '2026-03-15', '2026-02-28'],
        ],
      });

      // Her last day is withdrawn: her span is read again from the masks.
      await step([withdrawn('grace', '2026-03-31')], {
        counts: [0, 0, 1, 1, 2, 2, 2, 0, 3, 3, 0],
        spans: [
          ['barbara', '2026-03-01', '2026-03-01', null],
          ['grace', '2026-02-01', '2026-03-10', '2026-02-15'],
          ['linus', '2026-02-28', '2026-03-15', '2026-02-28'],
        ],
      });

      // And then her prior day: the one before it takes its place.
      await step([withdrawn('grace', '2026-02-15')], {
        counts: [0, 0, 1, 0, 2, 2, 2, 0, 3, 3, 0],
        spans: [
          ['barbara', '2026-03-01', '2026-03-01', null],
          ['grace', '2026-02-01', '2026-03-10', '2026-02-01'],
          ['linus', '2026-02-28', '2026-03-15', '2026-02-28'],
        ],
      });
    },
  );

  it.each(databases.eachSupportedId())(
    'finds the active days of usage rolled up before the migrations that add the masks and spans, %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await migrateUpToBefore(knex, '20261125220000_user_active_months.js');
      const fact = (person: string, date: string, attribution: string) => ({
        scope_ref:
          attribution === 'self'
            ? `user:default/${person}`
            : 'component:default/payments',
        user_ref: `user:default/${person}`,
        date,
        attribution,
      });
      await knex('usage_facts').insert([
        fact('ada', '2026-01-31', 'self'),
        fact('ada', '2026-02-01', 'self'),
        fact('grace', '2026-02-28', 'self'),
        // Attributed to a component, not a day of grace's own: already counted by her self fact.
        fact('grace', '2026-03-01', 'estimated'),
      ]);
      await migrateStore(knex);
      await indexTeam(knex);
      for (const range of RANGES) {
        const { activeUsers } = await countActiveUsers(
          knex,
          GROUP,
          'group',
          range,
        );
        expect(activeUsers).toBe(await activeFromFacts(knex, range));
      }
      expect(
        (await knex('user_active_months').orderBy(['user_ref', 'month'])).map(
          row => [row.user_ref, row.month, Number(row.days)],
        ),
      ).toEqual([
        ['user:default/ada', '2026-01', 2 ** 30],
        ['user:default/ada', '2026-02', 1],
        ['user:default/grace', '2026-02', 2 ** 27],
      ]);
      expect(await spans(knex)).toEqual([
        ['ada', '2026-01-31', '2026-02-01', '2026-01-31'],
        ['grace', '2026-02-28', '2026-02-28', null],
      ]);
    },
  );
});
