import { DeliveryPeriod } from '../aggregateDeliveryFacts';
import { DeliverySummary } from './DeliverySummary';
import { mergeAllDeliverySummaries } from './mergeDeliverySummaries';
import { isUtcDayStart, utcDayStartMs } from './utcDay';

/**
 * The summary of the days of a period, from summaries by UTC day (`YYYY-MM-DD`, as
 * {@link summarizeDeliveryFacts} gives them); days without a summary had no events.
 *
 * @throws RangeError when the period does not start and end at UTC midnight (a day summary
 *   cannot be cut), or for a key that is not a day.
 * @public
 */
export function mergeDeliveryDays(
  days: ReadonlyMap<string, DeliverySummary>,
  period: DeliveryPeriod,
): DeliverySummary {
  if (!isUtcDayStart(period.startMs) || !isUtcDayStart(period.endMs)) {
    throw new RangeError(
      `A period of day summaries must start and end at UTC midnight, got ${period.startMs} to ${period.endMs}`,
    );
  }
  const inPeriod: DeliverySummary[] = [];
  for (const [day, summary] of days) {
    const startMs = utcDayStartMs(day);
    if (startMs >= period.startMs && startMs < period.endMs) {
      inPeriod.push(summary);
    }
  }
  return mergeAllDeliverySummaries(inPeriod);
}
