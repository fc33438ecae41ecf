import { DateTime } from 'luxon';
import { parseDateRange } from '../period/parseDateRange';
import { DeliveryPeriod } from './aggregateDeliveryFacts';

/**
 * The instants of a range of UTC days (`to` inclusive) and its length in weeks.
 *
 * @throws DateRangeError for a malformed or reversed range.
 */
export function deliveryPeriod(from: string, to: string): DeliveryPeriod {
  const range = parseDateRange(from, to);
  const start = DateTime.fromISO(range.from, { zone: 'utc' });
  return {
    startMs: start.toMillis(),
    endMs: start.plus({ days: range.days }).toMillis(),
    weeks: range.days / 7,
  };
}
