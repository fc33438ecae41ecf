import {
  DateRange,
  DateRangeError,
  parseDateRange,
} from 'backstage-plugin-claude-code-analytics-common';
import { DateTime } from 'luxon';

/** A period the viewer asked for: the range, or why it was refused. */
export type PeriodValidation =
  | { range: DateRange; error?: undefined }
  | { range?: undefined; error: string };

/**
 * Validates a period typed or linked by the viewer: both days in the form `YYYY-MM-DD`, `from`
 * not after `to`, not longer than the API answers, and not ending in the future (today counts:
 * it is incomplete but may already have usage).
 */
export function validatePeriod(
  from: string,
  to: string,
  now: DateTime = DateTime.utc(),
): PeriodValidation {
  let range: DateRange;
  try {
    range = parseDateRange(from, to);
  } catch (error) {
    if (error instanceof DateRangeError) {
      return { error: error.message };
    }
    throw error;
  }
  const today = now.toUTC().toISODate()!;
  if (range.to > today) {
    return {
      error: `to (${range.to}) is in the future; the last day is ${today}`,
    };
  }
  return { range };
}
