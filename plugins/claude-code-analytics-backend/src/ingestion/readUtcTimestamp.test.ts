import { DateTime } from 'luxon';
import { readUtcTimestamp } from './readUtcTimestamp';

describe('readUtcTimestamp', () => {
  it('gives what luxon gives, for the stored form and for every other', () => {
    const values = [
      '2026-03-01T09:30:00.000Z',
      '2026-03-01T23:59:59.999Z',
      '2026-03-01T09:30:00Z',
      '2026-03-01T09:30:00.1234Z',
      '2026-03-01T00:30:00.000+01:00',
      '2026-03-01T23:30:00.000-05:00',
      '2026-03-01',
      '2026-02-30T00:00:00.000Z',
      '2026-13-01T00:00:00.000Z',
      '+012026-03-01T00:00:00.000Z',
      'March 1, 2026',
      '',
    ];
    for (const value of values) {
      const time = DateTime.fromISO(value, { zone: 'utc' });
      expect([value, readUtcTimestamp(value)]).toEqual([
        value,
        time.isValid
          ? { timestamp: time.toISO(), date: time.toISODate() }
          : undefined,
      ]);
    }
  });

  it('reads an offset into the UTC date', () => {
    expect(readUtcTimestamp('2026-03-01T23:30:00.000-05:00')).toEqual({
      timestamp: '2026-03-02T04:30:00.000Z',
      date: '2026-03-02',
    });
    expect(readUtcTimestamp('2026-02-30T00:00:00.000Z')).toBeUndefined();
  });
});
