import { DateTime } from 'luxon';

/**
 * Milliseconds since the epoch of an ISO 8601 timestamp; throws on anything else, so that a
 * malformed input is reported instead of silently dropping a sample.
 */
export function parseInstant(value: string, what: string): number {
  const instant = DateTime.fromISO(value, { setZone: true });
  if (!instant.isValid) {
    throw new TypeError(
      `${what} is not an ISO 8601 timestamp: ${JSON.stringify(value)}`,
    );
  }
  return instant.toMillis();
}

/** Like {@link parseInstant}, passing `undefined` through. */
export function parseOptionalInstant(
  value: string | undefined,
  what: string,
): number | undefined {
  return value === undefined ? undefined : parseInstant(value, what);
}
