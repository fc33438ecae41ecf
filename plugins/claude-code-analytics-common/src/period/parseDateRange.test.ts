import {
  DateRangeError,
  dateRangeEndingOn,
  eachDay,
  MAX_RANGE_DAYS,
  parseDateRange,
} from './parseDateRange';

describe('parseDateRange', () => {
  it('accepts UTC days with an inclusive end', () => {
    expect(parseDateRange('2026-02-27', '2026-03-02')).toEqual({
      from: '2026-02-27',
      to: '2026-03-02',
      days: 4,
    });
    expect(parseDateRange('2026-01-01', '2026-01-01').days).toBe(1);
  });

  it.each([
    [undefined, '2026-01-01', /from must be a date/],
    ['2026-1-1', '2026-01-01', /from must be a date/],
    ['2026-01-01', ['2026-01-02'], /to must be a date/],
    ['2026-02-30', '2026-03-01', /not a calendar date/],
    ['2026-03-02', '2026-03-01', /after/],
    ['2020-01-01', '2026-01-01', /more than the maximum/],
  ])('refuses from=%p to=%p', (from, to, message) => {
    expect(() => parseDateRange(from, to)).toThrow(DateRangeError);
    expect(() => parseDateRange(from, to)).toThrow(message);
  });

  it('allows the maximum range', () => {
    const range = dateRangeEndingOn('2026-12-31', MAX_RANGE_DAYS);
    expect(parseDateRange(range.from, range.to).days).toBe(MAX_RANGE_DAYS);
  });
});

describe('eachDay', () => {
  it('lists every day across a month end and a leap day', () => {
    expect(eachDay({ from: '2028-02-28', to: '2028-03-01' })).toEqual([
      '2028-02-28',
      '2028-02-29',
      '2028-03-01',
    ]);
  });
});
