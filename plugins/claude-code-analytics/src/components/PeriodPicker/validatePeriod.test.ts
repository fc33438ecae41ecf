import { DateTime } from 'luxon';
import { validatePeriod } from './validatePeriod';

const now = DateTime.fromISO('2025-01-04T12:00:00Z');

describe('validatePeriod', () => {
  it('accepts a range up to today', () => {
    expect(validatePeriod('2024-12-01', '2025-01-04', now)).toEqual({
      range: { from: '2024-12-01', to: '2025-01-04', days: 35 },
    });
  });

  it.each([
    ['2025-01-03', '2025-01-01', 'from (2025-01-03) is after to (2025-01-01)'],
    [
      '2025-1-3',
      '2025-01-03',
      'from must be a date in the form YYYY-MM-DD, got "2025-1-3"',
    ],
    ['2025-02-30', '2025-03-01', 'from is not a calendar date: 2025-02-30'],
    [
      '2020-01-01',
      '2025-01-01',
      'the range has 1828 days, more than the maximum of 1100',
    ],
    [
      '2025-01-01',
      '2025-01-05',
      'to (2025-01-05) is in the future; the last day is 2025-01-04',
    ],
  ])('refuses %s to %s', (from, to, error) => {
    expect(validatePeriod(from, to, now)).toEqual({ error });
  });
});
