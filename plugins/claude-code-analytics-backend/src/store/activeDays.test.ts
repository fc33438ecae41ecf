import { DateTime } from 'luxon';
import { Random } from '../demo/random';
import {
  ALL_DAYS,
  dayBit,
  daysFrom,
  daysUntil,
  ActiveSpan,
  monthOf,
  spanOfMonths,
  widenSpan,
} from './activeDays';

const date = (day: number) => `2026-03-${String(day).padStart(2, '0')}`;
const days = Array.from({ length: 31 }, (_, i) => i + 1);

describe('activeDays', () => {
  it('gives each day of a month its own bit, day d at bit d-1', () => {
    expect(monthOf('2026-03-17')).toBe('2026-03');
    expect(dayBit(date(1))).toBe(1);
    expect(dayBit(date(31))).toBe(2 ** 30);
    expect(days.reduce((mask, d) => mask | dayBit(date(d)), 0)).toBe(ALL_DAYS);
    expect(new Set(days.map(d => dayBit(date(d)))).size).toBe(31);
  });

  it('masks the days from and until a date, both including it', () => {
    expect(daysFrom(date(1))).toBe(ALL_DAYS);
    expect(daysUntil(date(31))).toBe(ALL_DAYS);
    for (const d of days) {
      const from = days.filter(e => e >= d).map(e => dayBit(date(e)));
      const until = days.filter(e => e <= d).map(e => dayBit(date(e)));
      expect(daysFrom(date(d))).toBe(from.reduce((a, b) => a | b, 0));
      expect(daysUntil(date(d))).toBe(until.reduce((a, b) => a | b, 0));
    }
  });
});

describe('spans of active days', () => {
  /** The span read straight from a list of days. */
  function spanOfDays(active: string[]) {
    const sorted = [...new Set(active)].sort();
    return sorted.length === 0
      ? undefined
      : {
          first_date: sorted[0],
          last_date: sorted[sorted.length - 1],
          prior_date: sorted.length > 1 ? sorted[sorted.length - 2] : null,
        };
  }

  /** The masks of a list of days, by month in ascending order, with an empty month among them. */
  function masksOf(active: string[]) {
    const masks = new Map<string, number>([['2026-02', 0]]);
    for (const day of active) {
      masks.set(monthOf(day), (masks.get(monthOf(day)) ?? 0) | dayBit(day));
    }
    return [...masks.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([month, mask]) => ({ month, days: mask }));
  }

  it('reads the first, last and prior day from the masks and keeps them as days are added', () => {
    const random = new Random(6);
    for (let round = 0; round < 300; round++) {
      const active = Array.from(
        { length: random.int(0, 6) },
        () =>
          DateTime.fromISO('2026-01-01', { zone: 'utc' })
            .plus({ days: random.int(0, 120) })
            .toISODate()!,
      );
      expect(spanOfMonths(masksOf(active))).toEqual(spanOfDays(active));
      let span: ActiveSpan | undefined = undefined;
      for (const day of active) {
        span = widenSpan(span, day);
      }
      expect(span).toEqual(spanOfDays(active));
    }
  });

  it('has no span without a day, and a lone day is first and last with nothing before it', () => {
    expect(spanOfMonths([{ month: '2026-03', days: 0 }])).toBeUndefined();
    expect(spanOfMonths([{ month: '2026-03', days: ALL_DAYS }])).toEqual({
      first_date: '2026-03-01',
      last_date: '2026-03-31',
      prior_date: '2026-03-30',
    });
    expect(widenSpan(undefined, '2026-03-05')).toEqual({
      first_date: '2026-03-05',
      last_date: '2026-03-05',
      prior_date: null,
    });
  });
});
