const MS_PER_DAY = 86_400_000;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The UTC day (`YYYY-MM-DD`) of an instant in epoch milliseconds. */
export function utcDayOf(ms: number): string {
  const day = new Date(ms).toISOString().slice(0, 10);
  if (!DAY.test(day)) {
    throw new RangeError(`${ms} ms is not in a four-digit year`);
  }
  return day;
}

/** The first instant of a UTC day (`YYYY-MM-DD`), in epoch milliseconds. */
export function utcDayStartMs(day: string): number {
  const ms = DAY.test(day) ? Date.parse(`${day}T00:00:00Z`) : NaN;
  if (Number.isNaN(ms) || utcDayOf(ms) !== day) {
    throw new RangeError(`${JSON.stringify(day)} is not a day (YYYY-MM-DD)`);
  }
  return ms;
}

/** Whether an instant is the start of a UTC day. */
export function isUtcDayStart(ms: number): boolean {
  return Number.isSafeInteger(ms) && ms % MS_PER_DAY === 0;
}
