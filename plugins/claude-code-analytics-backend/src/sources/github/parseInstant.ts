import { DateTime } from 'luxon';

/** An ISO 8601 timestamp from GitHub in the one UTC form the store compares as text. */
export function parseInstant(value: unknown): string | undefined {
  if (typeof value !== 'string') {
    return undefined;
  }
  const parsed = DateTime.fromISO(value, { zone: 'utc' });
  return parsed.isValid ? parsed.toISO()! : undefined;
}
