import {
  dateRangeEndingOn,
  DateRange,
} from 'backstage-plugin-claude-code-analytics-common';
import { DateTime } from 'luxon';

/**
 * The `days` full UTC days that end yesterday; today is left out because it is still incomplete.
 */
export function lastFullUtcDays(
  days: number,
  now: DateTime = DateTime.utc(),
): DateRange {
  const yesterday = now.toUTC().minus({ days: 1 }).toISODate()!;
  return dateRangeEndingOn(yesterday, days);
}
