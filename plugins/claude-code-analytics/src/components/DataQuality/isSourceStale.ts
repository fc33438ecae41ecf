import { DateTime } from 'luxon';
import { SourceStatus } from '../../api';

/**
 * Sources that deliver continuously (OTLP pushes within minutes, the Admin API is pulled on a
 * schedule); transcripts, imports and the demo deliver when someone runs them, so a quiet day says
 * nothing about them.
 */
const CONTINUOUS_SOURCES = ['otlp', 'admin-api'];

/** How long a continuous source may go without data before it is called stale. */
export const STALE_AFTER_HOURS = 24;

/** When a source last delivered: its last record, else its last successful run. */
export function lastDataAt(source: SourceStatus): string | undefined {
  return source.lastReceivedAt ?? source.lastSuccessAt;
}

/**
 * Whether a continuous source (OTLP, Admin API) has delivered no data for more than
 * {@link STALE_AFTER_HOURS} hours, or none at all.
 */
export function isSourceStale(
  source: SourceStatus,
  now: DateTime = DateTime.utc(),
): boolean {
  if (!CONTINUOUS_SOURCES.includes(source.source)) {
    return false;
  }
  const last = lastDataAt(source);
  if (!last) {
    return true;
  }
  return now.diff(DateTime.fromISO(last), 'hours').hours > STALE_AFTER_HOURS;
}
