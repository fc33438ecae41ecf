/**
 * The day masks of `user_active_months`: one row per user and month (`YYYY-MM`), bit d-1 of `days`
 * set when the user had usage on day d. The migration that adds the table computes the same bits in
 * SQL (`1 << (day - 1)`). `user_active_spans` keeps each user's first and last of those days.
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

/** A person's first and last active day, and the last one before it (null when there is none). */
export type ActiveSpan = {
  first_date: string;
  last_date: string;
  prior_date: string | null;
};

/**
 * The span of a person's months with their day masks, in ascending month order; undefined when no
 * day is set.
 */
export function spanOfMonths(
  months: Array<{ month: string; days: number }>,
): ActiveSpan | undefined {
  const active = months.filter(m => m.days !== 0);
  if (active.length === 0) {
    return undefined;
  }
  const first = active[0];
  const last = active[active.length - 1];
  const lastBit = 31 - Math.clz32(last.days);
  const rest = last.days & ~(1 << lastBit);
  let prior_date: string | null = null;
  if (rest !== 0) {
    prior_date = dayOfBit(last.month, 31 - Math.clz32(rest));
  } else if (active.length > 1) {
    const before = active[active.length - 2];
    prior_date = dayOfBit(before.month, 31 - Math.clz32(before.days));
  }
  return {
    first_date: dayOfBit(
      first.month,
      31 - Math.clz32(first.days & -first.days),
    ),
    last_date: dayOfBit(last.month, lastBit),
    prior_date,
  };
}

/** The span after the person was active on `date`. */
export function widenSpan(
  span: ActiveSpan | undefined,
  date: string,
): ActiveSpan {
  if (!span) {
    return { first_date: date, last_date: date, prior_date: null };
  }
  const first_date = date < span.first_date ? date : span.first_date;
  if (date > span.last_date) {
    return { first_date, last_date: date, prior_date: span.last_date };
  }
  if (
    date < span.last_date &&
    (span.prior_date === null || date > span.prior_date)
  ) {
    return { first_date, last_date: span.last_date, prior_date: date };
  }
  return { ...span, first_date };
}

function dayOfBit(month: string, bit: number): string {
  return `${month}-${String(bit + 1).padStart(2, '0')}`;
}
