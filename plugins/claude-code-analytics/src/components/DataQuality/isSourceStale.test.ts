import { DateTime } from 'luxon';
import { isSourceStale } from './isSourceStale';

const now = DateTime.fromISO('2025-01-04T12:00:00Z');

describe('isSourceStale', () => {
  it.each([
    ['otlp', '2025-01-04T11:00:00Z', false],
    ['otlp', '2025-01-03T12:00:00Z', false],
    ['otlp', '2025-01-03T11:59:00Z', true],
    ['admin-api', '2025-01-01T00:00:00Z', true],
    ['import', '2024-01-01T00:00:00Z', false],
    ['transcripts', '2024-01-01T00:00:00Z', false],
  ])('%s last delivering at %s is stale: %s', (source, last, stale) => {
    expect(isSourceStale({ source, lastReceivedAt: last, rows: 1 }, now)).toBe(
      stale,
    );
  });

  it('falls back to the last successful run', () => {
    expect(
      isSourceStale(
        { source: 'admin-api', lastSuccessAt: '2025-01-04T06:00:00Z', rows: 0 },
        now,
      ),
    ).toBe(false);
  });

  it('calls a continuous source without any data stale', () => {
    expect(isSourceStale({ source: 'otlp', rows: 0 }, now)).toBe(true);
  });
});
