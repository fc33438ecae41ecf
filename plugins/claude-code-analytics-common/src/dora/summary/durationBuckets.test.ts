import { DORA_TIERS } from '../doraTiers';
import {
  ALIGNED_EDGES_MS,
  bucketKeyOf,
  bucketValue,
  MAX_BUCKET_KEY,
  MIN_BUCKET_KEY,
  MIN_INDEXED_MS,
  RELATIVE_ACCURACY,
} from './durationBuckets';

const GAMMA = (1 + RELATIVE_ACCURACY) / (1 - RELATIVE_ACCURACY);
const MS_PER_HOUR = 3_600_000;

describe('duration buckets', () => {
  it('have an edge on every lead time and recovery time tier threshold, buckets excluding their top', () => {
    // Stored keys depend on these edges: a change of the tier tables that fails here needs new
    // edges and a new DELIVERY_SUMMARY_FORMAT_VERSION.
    for (const table of [DORA_TIERS.leadTime, DORA_TIERS.recoveryTime]) {
      expect(table.unit).toBe('hours');
      for (const { limit, inclusive } of table.thresholds) {
        expect(ALIGNED_EDGES_MS).toContain(limit * MS_PER_HOUR);
        // `value < limit` is the better tier: buckets [lower, upper) keep both sides apart.
        expect(inclusive).toBe(false);
      }
    }
  });

  it('keep the stored layout: the same duration always gets the same key', () => {
    // Stored summaries depend on these keys; a change here needs a new format version.
    const hour = MS_PER_HOUR;
    expect(
      [1, 1000, 60_000, hour - 1, hour, 24 * hour, 168 * hour, 720 * hour].map(
        bucketKeyOf,
      ),
    ).toEqual([-755, -410, -205, -1, 0, 159, 257, 330]);
    expect(bucketKeyOf(8760 * hour)).toBe(454);
    expect([MIN_BUCKET_KEY, MAX_BUCKET_KEY]).toEqual([-755, 34734]);
  });

  it('reads every bucket back on the same side of each edge as its durations', () => {
    for (const edge of ALIGNED_EDGES_MS) {
      expect(bucketKeyOf(edge)).toBe(bucketKeyOf(edge - 1) + 1);
      expect(bucketValue(bucketKeyOf(edge))).toBeGreaterThanOrEqual(edge);
      expect(bucketValue(bucketKeyOf(edge - 1))).toBeLessThan(edge);
    }
  });

  it('are contiguous, ascending and at most γ wide from 1 ms to beyond a century', () => {
    let previousKey = bucketKeyOf(MIN_INDEXED_MS);
    let bucketStart = MIN_INDEXED_MS;
    expect(previousKey).toBe(MIN_BUCKET_KEY);
    const problems: string[] = [];
    for (let ms = MIN_INDEXED_MS; ms < 4e12; ms *= 1.001) {
      const key = bucketKeyOf(ms);
      if (key !== previousKey && key !== previousKey + 1) {
        problems.push(`${ms} ms: key ${key} after ${previousKey}`);
      }
      if (key !== previousKey) {
        bucketStart = ms;
        previousKey = key;
      }
      if (ms / bucketStart > GAMMA) {
        problems.push(`${ms} ms: bucket from ${bucketStart} ms wider than γ`);
      }
    }
    expect(problems).toEqual([]);
    expect(MAX_BUCKET_KEY).toBe(bucketKeyOf(Number.MAX_VALUE));
    expect(MAX_BUCKET_KEY).toBeLessThan(40_000);
  });
});
