import { InputError } from '@backstage/errors';
import { DateTime } from 'luxon';

/**
 * Reads the `asOf` query parameter of a Console export import: the UTC day the export was taken,
 * whose month the totals are "this month" of. It must be a calendar date `YYYY-MM-DD`, not after
 * today (UTC).
 *
 * @param now - the current time, for tests
 * @throws InputError when the value is missing or invalid
 */
export function readAsOf(
  value: unknown,
  now: DateTime = DateTime.utc(),
): string {
  if (typeof value !== 'string' || value === '') {
    throw new InputError(
      'asOf is required with format=console-csv: the UTC day the export was taken (YYYY-MM-DD); its totals are month-to-date for that month',
    );
  }
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    throw new InputError(
      `asOf must be a date YYYY-MM-DD, got ${JSON.stringify(value)}`,
    );
  }
  const day = DateTime.fromISO(value, { zone: 'utc' });
  if (!day.isValid) {
    throw new InputError(`asOf ${value} is not a calendar date`);
  }
  const today = now.toUTC().toISODate()!;
  if (value > today) {
    throw new InputError(
      `asOf ${value} is in the future (today is ${today} UTC): an export covers the month up to the day it was taken`,
    );
  }
  return value;
}
