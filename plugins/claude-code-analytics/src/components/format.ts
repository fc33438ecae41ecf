import { DateTime } from 'luxon';

const COMPACT_UNITS = ['', 'k', 'M', 'B', 'T'];

function trimDecimals(value: number, fractionDigits: number): string {
  return String(Number(value.toFixed(fractionDigits)));
}

/**
 * A count in a few characters: `950`, `1.2k`, `34k`, `1.5M`.
 */
export function formatCount(value: number): string {
  const sign = value < 0 ? '-' : '';
  let scaled = Math.abs(value);
  if (scaled < 1000) {
    return `${sign}${trimDecimals(scaled, 0)}`;
  }
  let unit = 0;
  while (unit < COMPACT_UNITS.length - 1) {
    scaled /= 1000;
    unit += 1;
    // 999_950 rounds to 1000.0k; move it up to 1M instead.
    if (Number(scaled.toFixed(scaled < 100 ? 1 : 0)) < 1000) {
      break;
    }
  }
  return `${sign}${trimDecimals(scaled, scaled < 100 ? 1 : 0)}${
    COMPACT_UNITS[unit]
  }`;
}

/**
 * A count in full, for tooltips: `1,234`.
 */
export function formatExactCount(value: number): string {
  return value.toLocaleString('en-US');
}

/**
 * A `YYYY-MM-DD` day as a short axis label: `4 Jan`.
 */
export function formatDayTick(date: string): string {
  return DateTime.fromISO(date, { zone: 'utc' }).toFormat('d LLL');
}

/**
 * A share between 0 and 1 as a whole percentage; shares that would round to 0 % or 100 % without
 * being either are shown as `<1%` and `>99%`.
 */
export function formatPercent(share: number): string {
  if (share > 0 && share < 0.01) {
    return '<1%';
  }
  if (share > 0.99 && share < 1) {
    return '>99%';
  }
  return `${Math.round(share * 100)}%`;
}

/**
 * A duration in the largest sensible unit: `45 s`, `52 min`, `2.5 h`, `120 h`, `1.2k h`.
 */
export function formatDuration(seconds: number): string {
  if (seconds < 60) {
    return `${Math.round(seconds)} s`;
  }
  if (seconds < 3600) {
    return `${Math.round(seconds / 60)} min`;
  }
  const hours = seconds / 3600;
  if (hours < 10) {
    return `${trimDecimals(hours, 1)} h`;
  }
  return `${formatCount(Math.round(hours))} h`;
}

/**
 * How long ago a timestamp was, compactly: `40 s ago`, `52 min ago`, `3 h ago`, `5 d ago`.
 *
 * @param timestamp - ISO 8601 timestamp.
 * @param now - The reference time.
 */
export function formatAge(timestamp: string, now: DateTime): string {
  const seconds = now.diff(DateTime.fromISO(timestamp), 'seconds').seconds;
  if (!Number.isFinite(seconds)) {
    return 'unknown';
  }
  if (seconds < 1) {
    return 'just now';
  }
  if (seconds < 60) {
    return `${Math.floor(seconds)} s ago`;
  }
  if (seconds < 3600) {
    return `${Math.floor(seconds / 60)} min ago`;
  }
  if (seconds < 48 * 3600) {
    return `${Math.floor(seconds / 3600)} h ago`;
  }
  return `${Math.floor(seconds / 86400)} d ago`;
}

const SOURCE_NAMES: Record<string, string> = {
  'admin-api': 'Admin API',
  otlp: 'OTLP',
  transcripts: 'transcripts',
  import: 'import',
  demo: 'demo',
};

/**
 * The display name of a usage source id (`admin-api` is shown as `Admin API`); unknown ids are
 * shown as they are.
 */
export function formatSourceName(source: string): string {
  return SOURCE_NAMES[source] ?? source;
}

/**
 * An amount of US dollars in a few characters: cents below $1,000 (`$12.50`, `$0.42`), compact
 * above (`$3.4k`, `$1.5M`); a positive amount that would round to `$0.00` is shown as `<$0.01`.
 */
export function formatUsd(value: number): string {
  const sign = value < 0 ? '-' : '';
  const amount = Math.abs(value);
  if (amount > 0 && amount < 0.005) {
    return `${sign}<$0.01`;
  }
  if (Number(amount.toFixed(2)) < 1000) {
    return `${sign}$${amount.toFixed(2)}`;
  }
  return `${sign}$${formatCount(Math.round(amount))}`;
}

/**
 * An amount of US dollars in full, for tooltips: `$3,412.57`; amounts under a dollar keep up to
 * four decimals (`$0.0034`) so that small spend does not read as nothing.
 */
export function formatExactUsd(value: number): string {
  return value.toLocaleString('en-US', {
    style: 'currency',
    currency: 'USD',
    minimumFractionDigits: 2,
    maximumFractionDigits: Math.abs(value) < 1 ? 4 : 2,
  });
}

/**
 * A number of hours in the largest sensible unit: `45 min`, `2.5 h`, `14 h`, `3.1 d`, `45 d`.
 */
export function formatHours(hours: number): string {
  const sign = hours < 0 ? '-' : '';
  const amount = Math.abs(hours);
  if (amount < 1) {
    return `${sign}${Math.round(amount * 60)} min`;
  }
  if (Number(amount.toFixed(1)) < 10) {
    return `${sign}${trimDecimals(amount, 1)} h`;
  }
  if (Math.round(amount) < 24) {
    return `${sign}${Math.round(amount)} h`;
  }
  const days = amount / 24;
  if (Number(days.toFixed(1)) < 10) {
    return `${sign}${trimDecimals(days, 1)} d`;
  }
  return `${sign}${formatCount(Math.round(days))} d`;
}

/**
 * A rate per week with one decimal: `10.5 per week`, `0.2 per week`; a positive rate that would
 * round to 0 is shown as `<0.1 per week`.
 */
export function formatPerWeek(perWeek: number): string {
  if (perWeek > 0 && perWeek < 0.05) {
    return '<0.1 per week';
  }
  const rate =
    perWeek < 100 ? trimDecimals(perWeek, 1) : formatCount(Math.round(perWeek));
  return `${rate} per week`;
}

/**
 * The difference of two shares (between 0 and 1) in percentage points with one decimal: `3 pp`,
 * `0.5 pp`.
 */
export function formatPercentagePoints(difference: number): string {
  return `${trimDecimals(difference * 100, 1)} pp`;
}
