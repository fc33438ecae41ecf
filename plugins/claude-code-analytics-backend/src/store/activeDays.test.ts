import { ALL_DAYS, dayBit, daysFrom, daysUntil, monthOf } from './activeDays';

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
