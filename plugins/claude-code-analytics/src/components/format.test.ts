import { DateTime } from 'luxon';
import {
  formatAge,
  formatCount,
  formatDayTick,
  formatDuration,
  formatExactCount,
  formatExactUsd,
  formatHours,
  formatPercent,
  formatPercentagePoints,
  formatPerWeek,
  formatSourceName,
  formatUsd,
} from './format';

describe('formatCount', () => {
  it.each([
    [0, '0'],
    [7, '7'],
    [999, '999'],
    [1000, '1k'],
    [1234, '1.2k'],
    [12345, '12.3k'],
    [45678, '45.7k'],
    [123456, '123k'],
    [999_950, '1M'],
    [1_500_000, '1.5M'],
    [2_000_000_000, '2B'],
    [-1234, '-1.2k'],
  ])('formats %p as %p', (value, expected) => {
    expect(formatCount(value)).toBe(expected);
  });
});

describe('formatExactCount', () => {
  it('groups thousands', () => {
    expect(formatExactCount(0)).toBe('0');
    expect(formatExactCount(1234)).toBe('1,234');
    expect(formatExactCount(42_000_000)).toBe('42,000,000');
  });
});

describe('formatDayTick', () => {
  it('names the UTC day and month', () => {
    expect(formatDayTick('2025-01-04')).toBe('4 Jan');
    expect(formatDayTick('2024-12-31')).toBe('31 Dec');
  });
});

describe('formatPercent', () => {
  it.each([
    [0, '0%'],
    [0.004, '<1%'],
    [0.3, '30%'],
    [0.355, '36%'],
    [0.995, '>99%'],
    [1, '100%'],
  ])('formats %p as %p', (share, expected) => {
    expect(formatPercent(share)).toBe(expected);
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0 s'],
    [45, '45 s'],
    [3120, '52 min'],
    [3600, '1 h'],
    [9000, '2.5 h'],
    [432_000, '120 h'],
    [4_320_000, '1.2k h'],
  ])('formats %p seconds as %p', (seconds, expected) => {
    expect(formatDuration(seconds)).toBe(expected);
  });
});

describe('formatAge', () => {
  const now = DateTime.fromISO('2025-01-04T12:00:00Z');

  it.each([
    ['2025-01-04T12:00:00Z', 'just now'],
    ['2025-01-04T13:00:00Z', 'just now'],
    ['2025-01-04T11:59:20Z', '40 s ago'],
    ['2025-01-04T11:08:00Z', '52 min ago'],
    ['2025-01-04T09:00:00+00:00', '3 h ago'],
    ['2025-01-04T10:00:00+01:00', '3 h ago'],
    ['2024-12-30T12:00:00Z', '5 d ago'],
    ['yesterday', 'unknown'],
  ])('formats %p as %p', (timestamp, expected) => {
    expect(formatAge(timestamp, now)).toBe(expected);
  });
});

describe('formatSourceName', () => {
  it('names known sources and keeps unknown ids', () => {
    expect(formatSourceName('admin-api')).toBe('Admin API');
    expect(formatSourceName('otlp')).toBe('OTLP');
    expect(formatSourceName('demo')).toBe('demo');
    expect(formatSourceName('something-else')).toBe('something-else');
  });
});

describe('formatUsd', () => {
  it.each([
    [0, '$0.00'],
    [0.001, '<$0.01'],
    [0.005, '$0.01'],
    [0.42, '$0.42'],
    [12.5, '$12.50'],
    [284.380833, '$284.38'],
    [999.99, '$999.99'],
    [999.996, '$1k'],
    [1000, '$1k'],
    [3412.57, '$3.4k'],
    [35263.22, '$35.3k'],
    [123456, '$123k'],
    [1_500_000, '$1.5M'],
    [-12.5, '-$12.50'],
  ])('formats %p as %p', (value, expected) => {
    expect(formatUsd(value)).toBe(expected);
  });
});

describe('formatExactUsd', () => {
  it.each([
    [0, '$0.00'],
    [0.0034, '$0.0034'],
    [0.42, '$0.42'],
    [12.5, '$12.50'],
    [3412.57, '$3,412.57'],
    [35263.223333, '$35,263.22'],
  ])('formats %p as %p', (value, expected) => {
    expect(formatExactUsd(value)).toBe(expected);
  });
});

describe('formatHours', () => {
  it.each([
    [0, '0 min'],
    [0.25, '15 min'],
    [1, '1 h'],
    [2.5, '2.5 h'],
    [9.96, '10 h'],
    [14.2, '14 h'],
    [23.4, '23 h'],
    [23.6, '1 d'],
    [24, '1 d'],
    [74.4, '3.1 d'],
    [239, '10 d'],
    [1080, '45 d'],
    [-2.5, '-2.5 h'],
  ])('formats %p hours as %p', (hours, expected) => {
    expect(formatHours(hours)).toBe(expected);
  });
});

describe('formatPerWeek', () => {
  it.each([
    [0, '0 per week'],
    [0.01, '<0.1 per week'],
    [0.23, '0.2 per week'],
    [7, '7 per week'],
    [10.5, '10.5 per week'],
    [1234, '1.2k per week'],
  ])('formats %p as %p', (perWeek, expected) => {
    expect(formatPerWeek(perWeek)).toBe(expected);
  });
});

describe('formatPercentagePoints', () => {
  it.each([
    [0, '0 pp'],
    [0.03, '3 pp'],
    [0.005, '0.5 pp'],
    [0.0004, '0 pp'],
  ])('formats %p as %p', (difference, expected) => {
    expect(formatPercentagePoints(difference)).toBe(expected);
  });
});
