import { DateTime } from 'luxon';

/**
 * An ISO 8601 timestamp as stored: in UTC with milliseconds (`2026-03-01T09:30:00.000Z`), and its
 * UTC date; undefined when it is not a valid ISO timestamp. Timestamps already in that form (what
 * the OTLP decoder and most transcripts give) are checked with the built-in `Date`, a few times
 * faster than luxon on the ingestion's hot path; others (offsets, no milliseconds) go through luxon.
 */
export function readUtcTimestamp(
  value: string,
): { timestamp: string; date: string } | undefined {
  // `YYYY-MM-DDTHH:mm:ss.sssZ` is 24 characters; years beyond 9999 are written longer.
  const parsed = value.length === 24 ? new Date(value) : undefined;
  if (
    parsed &&
    !Number.isNaN(parsed.getTime()) &&
    parsed.toISOString() === value
  ) {
    return { timestamp: value, date: value.slice(0, 10) };
  }
  const time = DateTime.fromISO(value, { zone: 'utc' });
  if (!time.isValid) {
    return undefined;
  }
  return { timestamp: time.toISO()!, date: time.toISODate()! };
}
