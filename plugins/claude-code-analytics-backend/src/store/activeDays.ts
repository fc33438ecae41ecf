/**
 * The day masks of `user_active_months`: one row per user and month (`YYYY-MM`), bit d-1 of `days`
 * set when the user had usage on day d. The migration that adds the table computes the same bits in
 * SQL (`1 << (day - 1)`).
 */

/** Every day of a month. */
export const ALL_DAYS = 0x7fffffff;

/** The month of an ISO date, as stored. */
export function monthOf(date: string): string {
  return date.slice(0, 7);
}

/** The bit of an ISO date in its month's mask. */
export function dayBit(date: string): number {
  return 1 << (Number(date.slice(8, 10)) - 1);
}

/** The days from `date` to the end of its month. */
export function daysFrom(date: string): number {
  return ALL_DAYS & ~(dayBit(date) - 1);
}

/** The days from the start of the month of `date` to `date`. */
export function daysUntil(date: string): number {
  return ALL_DAYS >>> (31 - Number(date.slice(8, 10)));
}
