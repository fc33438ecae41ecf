import { Random } from '../demo/random';
import { createTestDatabases } from '../__testUtils__/createTestDatabases';
import {
  migrateUpToBefore,
  storeMigrations,
} from '../__testUtils__/migrateUpToBefore';
import { lockSessionWrites } from '../ingestion/sessionTotals';
import { untilAdvisoryLockWaited } from '../__testUtils__/untilAdvisoryLockWaited';
import { insertRows } from './insertRows';
import { migrateStore } from './migrateStore';

jest.setTimeout(120_000);

const MIGRATION = '20261126090000_session_metric_heads.js';

function pointRow(series: string, time: string, value: number) {
  return {
    series_hash: series,
    start_nano: '1',
    time_nano: time,
    session_id: 's',
    identity: 'ada@acme.example',
    date: '2026-11-26',
    provider: 'firstParty',
    repository: '',
    measure: 'lines_added',
    tool: '',
    model: '',
    value,
    delta: value,
    received_at: new Date(),
  };
}

describe(`migration ${MIGRATION}`, () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    'takes the latest point of every series as its head, and goes down again, %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await migrateUpToBefore(knex, MIGRATION);
      // 300 series of 1 to 12 points at random times: some before 2001 (18 digits, earlier though
      // greater as text) and some after 2286 (20 digits), some sharing a time with another start.
      const random = new Random(90);
      const rows = [];
      const expected = [];
      for (let s = 0; s < 300; s++) {
        const series = `series-${String(s).padStart(3, '0')}`;
        const points = [];
        for (let p = random.int(1, 12); p > 0; p--) {
          const digits = [18, 19, 19, 19, 20][random.int(0, 4)];
          const time =
            BigInt(10) ** BigInt(digits - 1) +
            BigInt(random.int(0, 999_999)) * 1_000_000_000n;
          const start = BigInt(random.int(0, 9));
          points.push({ start, time, value: random.int(0, 1000) });
          if (random.chance(0.2)) {
            points.push({ start: start + 10n, time, value: random.int(0, 9) });
          }
        }
        const byKey = new Map(
          points.map(p => [`${p.start} ${p.time}`, p] as const),
        );
        const unique = [...byKey.values()];
        rows.push(
          ...unique.map(p => ({
            ...pointRow(series, String(p.time), p.value),
            start_nano: String(p.start),
          })),
        );
        const latest = unique.reduce((a, b) =>
          b.time > a.time || (b.time === a.time && b.start > a.start) ? b : a,
        );
        expected.push({
          series_hash: series,
          time_nano: String(latest.time),
          value: latest.value,
        });
      }
      expect(
        expected.filter(head => head.time_nano.length === 20).length,
      ).toBeGreaterThan(10);
      await insertRows(knex, 'session_metric_points', rows);
      await migrateStore(knex);

      expect(
        (
          await knex('session_metric_heads')
            .select('series_hash', 'time_nano', 'value')
            .orderBy('series_hash')
        ).map(row => ({ ...row, value: Number(row.value) })),
      ).toEqual(expected);

      await knex.migrate.down({ ...storeMigrations, name: MIGRATION });
      expect(await knex.schema.hasTable('session_metric_heads')).toBe(false);
      await knex.destroy();
    },
  );

  it.each(databases.eachSupportedId())(
    'waits for a session writer before filling the heads, %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await migrateUpToBefore(knex, MIGRATION);
      await insertRows(knex, 'session_metric_points', [
        pointRow('series', '1795564800000000000', 3),
      ]);
      // A writer of the old code adds the series' next point while the backend migrates.
      const writer = await knex.transaction();
      await lockSessionWrites(writer);
      await insertRows(writer, 'session_metric_points', [
        pointRow('series', '1795564805000000000', 7),
      ]);
      const migrating = migrateStore(knex);
      await untilAdvisoryLockWaited(knex);
      await writer.commit();
      await migrating;
      expect(
        await knex('session_metric_heads').select('series_hash', 'time_nano'),
      ).toEqual([{ series_hash: 'series', time_nano: '1795564805000000000' }]);
      await knex.destroy();
    },
  );
});
