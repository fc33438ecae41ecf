import { DateTime } from 'luxon';

/**
 * A validated range of UTC days, both ends inclusive.
 *
 * @public
 */
export type DateRange = {
  from: string;
  to: string;
  /** Number of days in the range, counting both ends. */
  days: number;
};

/**
 * The longest range the API answers, in days (two leap years and a bit).
 *
 * @public
 */
export const MAX_RANGE_DAYS = 1100;

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Why a date range was refused.
 *
 * @public
 */
export class DateRangeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DateRangeError';
  }
}

function parseDay(name: string, value: unknown): DateTime {
  if (typeof value !== 'string' || !DAY.test(value)) {
    throw new DateRangeError(
      `${name} must be a date in the form YYYY-MM-DD, got ${JSON.stringify(
        value,
      )}`,
    );
  }
  const day = DateTime.fromISO(value, { zone: 'utc' });
  if (!day.isValid) {
    throw new DateRangeError(`${name} is not a calendar date: ${value}`);
  }
  return day;
}

/**
 * Validates `from` and `to` query values (`YYYY-MM-DD`, UTC days, `to` inclusive).
 *
 * @throws DateRangeError when a value is missing or malformed, when `from` is after `to`, or when
 *   the range is longer than {@link MAX_RANGE_DAYS}.
 * @public
 */
export function parseDateRange(from: unknown, to: unknown): DateRange {
  const start = parseDay('from', from);
  const end = parseDay('to', to);
  if (start > end) {
    throw new DateRangeError(`from (${from}) is after to (${to})`);
  }
  const days = Math.round(end.diff(start, 'days').days) + 1;
  if (days > MAX_RANGE_DAYS) {
    throw new DateRangeError(
      `the range has ${days} days, more than the maximum of ${MAX_RANGE_DAYS}`,
    );
  }
  return { from: start.toISODate()!, to: end.toISODate()!, days };
}

/**
 * The range of `days` days that ends on `to` (inclusive).
 *
 * @public
 */
export function dateRangeEndingOn(to: string, days: number): DateRange {
  const end = DateTime.fromISO(to, { zone: 'utc' });
  const start = end.minus({ days: days - 1 });
  return { from: start.toISODate()!, to: end.toISODate()!, days };
}

/**
 * Every day of a range, in order.
 *
 * @public
 */
export function eachDay(range: { from: string; to: string }): string[] {
  const out: string[] = [];
  let day = DateTime.fromISO(range.from, { zone: 'utc' });
  const end = DateTime.fromISO(range.to, { zone: 'utc' });
  while (day <= end) {
    out.push(day.toISODate()!);
    day = day.plus({ days: 1 });
  }
  return out;
}
