import { DateTime } from 'luxon';
import { DeliveryDeployment } from './deliveryInput';

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1];
}

/** The number of `length` decimal digits at `at`, or -1. */
function digits(value: string, at: number, length: number): number {
  let n = 0;
  for (let i = at; i < at + length; i++) {
    const d = value.charCodeAt(i) - 48;
    if (d < 0 || d > 9) {
      return -1;
    }
    n = n * 10 + d;
  }
  return n;
}

/**
 * The epoch milliseconds of a timestamp in the form every source writes,
 * `YYYY-MM-DDTHH:MM[:SS[.fraction]]` then `Z` or `±HH:MM` (`2026-03-01T08:00:00Z`,
 * `2026-03-01T10:00:00.123+02:00`), exactly as Luxon reads it; undefined for anything else (other
 * ISO 8601 forms, out-of-range fields), which Luxon then decides. Reading these without Luxon saves
 * most of the time spent on a year of delivery records.
 */
function parseCommonForm(value: string): number | undefined {
  const length = value.length;
  if (
    length < 17 ||
    value.charCodeAt(4) !== 45 /* - */ ||
    value.charCodeAt(7) !== 45 ||
    (value.charCodeAt(10) | 32) !== 116 /* T or t */ ||
    value.charCodeAt(13) !== 58 /* : */
  ) {
    return undefined;
  }
  const year = digits(value, 0, 4);
  const month = digits(value, 5, 2);
  const day = digits(value, 8, 2);
  const hour = digits(value, 11, 2);
  const minute = digits(value, 14, 2);
  let at = 16;
  let second = 0;
  let millis = 0;
  if (value.charCodeAt(at) === 58) {
    second = digits(value, at + 1, 2);
    at += 3;
    if (second < 0) {
      return undefined;
    }
    if (value.charCodeAt(at) === 46 /* . */) {
      const start = at + 1;
      at = start;
      while (at < length && at - start < 31 && digits(value, at, 1) >= 0) {
        at++;
      }
      if (at === start || at - start > 30) {
        return undefined;
      }
      // Luxon's reading of a fraction of a second, down to whole milliseconds; for up to three
      // digits that is the digits themselves (checked for all of them).
      const fraction = at - start;
      millis =
        fraction <= 3
          ? digits(value, start, fraction) * 10 ** (3 - fraction)
          : Math.floor(parseFloat(`0.${value.slice(start, at)}`) * 1000);
    }
  }
  let offset = 0;
  const sign = value.charCodeAt(at);
  if ((sign | 32) === 122 /* Z or z */ && at + 1 === length) {
    offset = 0;
  } else if (
    (sign === 43 /* + */ || sign === 45) &&
    at + 6 === length &&
    value.charCodeAt(at + 3) === 58
  ) {
    const offsetHours = digits(value, at + 1, 2);
    const offsetMinutes = digits(value, at + 4, 2);
    if (
      offsetHours < 0 ||
      offsetHours > 23 ||
      offsetMinutes < 0 ||
      offsetMinutes > 59
    ) {
      return undefined;
    }
    offset = (sign === 45 ? -1 : 1) * (offsetHours * 60 + offsetMinutes);
  } else {
    return undefined;
  }
  if (
    // Date.UTC reads years 0-99 as 1900-1999.
    year < 1000 ||
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > daysInMonth(year, month) ||
    hour < 0 ||
    hour > 23 ||
    minute < 0 ||
    minute > 59 ||
    second > 59 ||
    millis > 999
  ) {
    return undefined;
  }
  return (
    Date.UTC(year, month - 1, day, hour, minute, second, millis) -
    offset * 60_000
  );
}

/**
 * Milliseconds since the epoch of an ISO 8601 timestamp; throws on anything else, so that a
 * malformed input is reported instead of silently dropping a sample.
 */
export function parseInstant(value: string, what: string): number {
  const common = typeof value === 'string' ? parseCommonForm(value) : undefined;
  if (common !== undefined) {
    return common;
  }
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

/** Finish instants already read, each with the text it was read from. */
const finishes = new WeakMap<
  Pick<DeliveryDeployment, 'finishedAt'>,
  { text: string; ms: number }
>();

/**
 * {@link parseInstant} of a deployment's `finishedAt`, read once per deployment object: the
 * engine looks a deployment's finish up many times (timelines, first deployments, failures,
 * recoveries). A changed `finishedAt` is read again.
 */
export function deploymentFinishedAtMs(
  deployment: Pick<DeliveryDeployment, 'id' | 'finishedAt'>,
): number {
  const known = finishes.get(deployment);
  if (known && known.text === deployment.finishedAt) {
    return known.ms;
  }
  const ms = parseInstant(
    deployment.finishedAt,
    `finishedAt of deployment ${deployment.id}`,
  );
  finishes.set(deployment, { text: deployment.finishedAt, ms });
  return ms;
}
