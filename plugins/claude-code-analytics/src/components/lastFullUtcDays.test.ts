import { DateTime } from 'luxon';
import { lastFullUtcDays } from './lastFullUtcDays';

describe('lastFullUtcDays', () => {
  it('ends yesterday in UTC and counts both ends', () => {
    const now = DateTime.fromISO('2025-03-01T00:30:00+02:00'); // 28 Feb 22:30 in UTC
    expect(lastFullUtcDays(30, now)).toEqual({
      from: '2025-01-29',
      to: '2025-02-27',
      days: 30,
    });
  });

  it('covers a single day', () => {
    const now = DateTime.fromISO('2025-03-01T12:00:00Z');
    expect(lastFullUtcDays(1, now)).toEqual({
      from: '2025-02-28',
      to: '2025-02-28',
      days: 1,
    });
  });
});
