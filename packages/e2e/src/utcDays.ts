/** A `YYYY-MM-DD` UTC day. */
function utcDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** The UTC day `days` days before `now`'s. */
function daysBefore(now: Date, days: number): string {
  return utcDay(new Date(now.getTime() - days * 86_400_000));
}

/** Today, as a UTC day. */
export function utcToday(now: Date = new Date()): string {
  return utcDay(now);
}

/**
 * The period the entity cards show by default: the last `days` full UTC days, ending yesterday.
 * Computed here independently of the plugin, so that the cards' own period is checked too.
 */
export function lastFullUtcDays(
  days: number,
  now: Date = new Date(),
): { from: string; to: string } {
  return { from: daysBefore(now, days), to: daysBefore(now, 1) };
}
