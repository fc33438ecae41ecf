import { InputError } from '@backstage/errors';
import { DateTime } from 'luxon';
import { readAsOf } from './readAsOf';

describe('readAsOf', () => {
  const now = DateTime.fromISO('2026-11-25T23:30:00-05:00');

  it('accepts a past or current UTC day', () => {
    expect(readAsOf('2026-11-24', now)).toBe('2026-11-24');
    // 23:30 in New York is already the 26th in UTC.
    expect(readAsOf('2026-11-26', now)).toBe('2026-11-26');
    expect(readAsOf('2024-02-29', now)).toBe('2024-02-29');
  });

  it.each([
    [undefined, 'asOf is required with format=console-csv'],
    ['', 'asOf is required'],
    [['2026-11-24'], 'asOf is required'],
    ['2026-11', 'asOf must be a date YYYY-MM-DD, got "2026-11"'],
    ['24/11/2026', 'asOf must be a date YYYY-MM-DD'],
    ['2026-11-24T00:00:00Z', 'asOf must be a date YYYY-MM-DD'],
    ['2026-02-30', 'asOf 2026-02-30 is not a calendar date'],
    [
      '2026-11-27',
      'asOf 2026-11-27 is in the future (today is 2026-11-26 UTC)',
    ],
  ])('refuses %p', (value, message) => {
    expect(() => readAsOf(value, now)).toThrow(InputError);
    expect(() => readAsOf(value, now)).toThrow(message);
  });
});
