import { Knex } from 'knex';
import { migrateStore } from '../store/migrateStore';
import { createTestDatabases } from '../__testUtils__/createTestDatabases';
import { DEFAULT_PRICING } from './PricingOptions';
import { MetricPointInput, writeMetricPoints } from './writeMetricPoints';

jest.setTimeout(60_000);

const DAY_NANO = 1_795_564_800_000_000_000n; // 2026-11-25T00:00:00Z

function point(
  seconds: number,
  value: number,
  options: Partial<MetricPointInput> & { session?: string } = {},
): MetricPointInput {
  const session = options.session ?? 's1';
  const attributes = {
    'user.email': 'ada@acme.example',
    'session.id': session,
    type: 'added',
  };
  return {
    metric: 'claude_code.lines_of_code.count',
    value,
    temporality: 'cumulative',
    startTimeUnixNano: String(DAY_NANO),
    timeUnixNano: String(DAY_NANO + BigInt(seconds) * 1_000_000_000n),
    attributes,
    seriesKey: `claude_code.lines_of_code.count|${JSON.stringify(attributes)}`,
    ...options,
  };
}

/** Lines added of Ada's day of the points, as the rollups store them. */
async function linesAddedOn(knex: Knex): Promise<number> {
  const [row] = await knex('usage_activity_daily')
    .where({ identity: 'ada@acme.example', date: '2026-11-25' })
    .sum({ lines: 'lines_added' });
  return Number(row.lines ?? 0);
}

describe('writeMetricPoints', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    'turns cumulative series into increases, across batches and out of order, once, %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await migrateStore(knex);
      const linesAdded = () => linesAddedOn(knex);

      // One batch, out of order: 5 then 8 (increase 3).
      expect(
        await writeMetricPoints(
          knex,
          [point(120, 8), point(60, 5)],
          DEFAULT_PRICING,
        ),
      ).toBe(2);
      expect(await linesAdded()).toBe(8);

      // A later batch: 10 (increase 2), then a restart of the CLI at 4 counts whole.
      await writeMetricPoints(knex, [point(180, 10)], DEFAULT_PRICING);
      await writeMetricPoints(knex, [point(240, 4)], DEFAULT_PRICING);
      expect(await linesAdded()).toBe(14);

      // The exporter retries every batch, and a second session's delta point arrives alongside.
      expect(
        await writeMetricPoints(
          knex,
          [
            point(120, 8),
            point(60, 5),
            point(180, 10),
            point(240, 4),
            point(240, 7, { session: 's2', temporality: 'delta' }),
            point(240, 7, { session: 's2', temporality: 'delta' }),
          ],
          DEFAULT_PRICING,
        ),
      ).toBe(1);
      expect(await linesAdded()).toBe(21);

      const deltas = await knex('session_metric_points')
        .where('session_id', 's1')
        .orderBy('time_nano')
        .select('delta');
      expect(deltas.map(row => Number(row.delta))).toEqual([5, 3, 2, 4]);
    },
  );

  it.each(databases.eachSupportedId())(
    "bases a cumulative point on its series' latest point, or on the points around one arriving late, %p",
    async databaseId => {
      const knex = await databases.init(databaseId);
      await migrateStore(knex);
      const linesAdded = () => linesAddedOn(knex);
      const head = async (session = 'cumulative') =>
        knex('session_metric_heads')
          .whereIn(
            'series_hash',
            knex('session_metric_points')
              .select('series_hash')
              .where('session_id', session),
          )
          .select('time_nano', 'value')
          .first()
          .then(
            row => row && { time: row.time_nano, value: Number(row.value) },
          );
      const at = (seconds: number) =>
        String(DAY_NANO + BigInt(seconds) * 1_000_000_000n);
      // A session exporting every 5 s, 3 more lines each time, in three batches.
      const cumulative = (
        seconds: number,
        value: number,
        options: Partial<MetricPointInput> = {},
      ) => point(seconds, value, { session: 'cumulative', ...options });
      for (let batch = 0; batch < 3; batch++) {
        await writeMetricPoints(
          knex,
          Array.from({ length: 10 }, (_, i) => {
            const n = batch * 10 + i + 1;
            return cumulative(5 * n, 3 * n);
          }),
          DEFAULT_PRICING,
        );
        expect(await head()).toEqual({
          time: at(50 * (batch + 1)),
          value: 30 * (batch + 1),
        });
      }
      expect(await linesAdded()).toBe(90);

      // A point arriving late, between the 10th (30) and the 11th (33): its increase is over the
      // 10th; the head stays.
      expect(
        await writeMetricPoints(knex, [cumulative(52, 31)], DEFAULT_PRICING),
      ).toBe(1);
      expect(await linesAdded()).toBe(91);
      expect(await head()).toEqual({ time: at(150), value: 90 });

      // The next export, over the head; then a restart of the CLI below it counts whole.
      await writeMetricPoints(knex, [cumulative(155, 96)], DEFAULT_PRICING);
      expect(await linesAdded()).toBe(97);
      await writeMetricPoints(knex, [cumulative(160, 2)], DEFAULT_PRICING);
      expect(await linesAdded()).toBe(99);
      expect(await head()).toEqual({ time: at(160), value: 2 });

      // A series whose head is missing is read whole: the next point's base is the latest one
      // stored.
      await knex('session_metric_heads').delete();
      await writeMetricPoints(knex, [cumulative(165, 5)], DEFAULT_PRICING);
      expect(await linesAdded()).toBe(102);
      expect(await head()).toEqual({ time: at(165), value: 5 });

      // A point at the head's time with another start is not after the head: its base is the
      // latest earlier point (2, at 160 s), and it is the head now.
      await writeMetricPoints(
        knex,
        [
          cumulative(165, 9, {
            startTimeUnixNano: String(DAY_NANO + 1n),
          }),
        ],
        DEFAULT_PRICING,
      );
      expect(await linesAdded()).toBe(109);
      expect(await head()).toEqual({ time: at(165), value: 9 });

      // Times are compared as numbers: after a point of 2286 (20 digits), one of today (19 digits,
      // greater as text) arrives late: the head stays, and as no point of the series is earlier,
      // today's counts whole.
      const far = '10000000000000000000';
      await writeMetricPoints(
        knex,
        [{ ...point(0, 100, { session: 'far' }), timeUnixNano: far }],
        DEFAULT_PRICING,
      );
      expect(await head('far')).toEqual({ time: far, value: 100 });
      await writeMetricPoints(
        knex,
        [point(170, 150, { session: 'far' })],
        DEFAULT_PRICING,
      );
      expect(await head('far')).toEqual({ time: far, value: 100 });
      expect(await linesAdded()).toBe(259);
    },
  );

  it.each(databases.eachSupportedId())(
    'skips a delta point stored before, however far back in its series, %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await migrateStore(knex);
      const linesAdded = () => linesAddedOn(knex);
      // A long session exporting every 5 s: each delta point counts the lines of its interval.
      const delta = (i: number) =>
        point(5 * (i + 1), i + 1, {
          session: 'long',
          temporality: 'delta',
          startTimeUnixNano: String(DAY_NANO + BigInt(5 * i) * 1_000_000_000n),
        });
      const first = Array.from({ length: 40 }, (_, i) => delta(i));
      expect(
        await writeMetricPoints(knex, first.slice(0, 20), DEFAULT_PRICING),
      ).toBe(20);
      expect(
        await writeMetricPoints(knex, first.slice(20), DEFAULT_PRICING),
      ).toBe(20);
      expect(await linesAdded()).toBe((40 * 41) / 2);

      // Retries of early, middle and latest intervals with the next interval, beside a
      // cumulative series of the same person: only the new interval and the cumulative point count.
      expect(
        await writeMetricPoints(
          knex,
          [delta(0), delta(17), delta(39), delta(40), point(60, 9)],
          DEFAULT_PRICING,
        ),
      ).toBe(2);
      expect(await linesAdded()).toBe((40 * 41) / 2 + 41 + 9);
      // A point of the series with another start is another interval.
      expect(
        await writeMetricPoints(
          knex,
          [{ ...delta(3), startTimeUnixNano: String(DAY_NANO) }],
          DEFAULT_PRICING,
        ),
      ).toBe(1);
      expect(await linesAdded()).toBe((40 * 41) / 2 + 41 + 9 + 4);
      expect(
        Number(
          (
            await knex('session_metric_points')
              .where('session_id', 'long')
              .count({ n: '*' })
          )[0].n,
        ),
      ).toBe(42);
    },
  );
});
