import { percentile } from '../statistics';
import { DeliverySummaryFormatError } from './DeliverySummaryFormatError';
import { ALIGNED_EDGES_MS, bucketKeyOf, bucketValue } from './durationBuckets';
import { DurationSketch } from './DurationSketch';
import { withinRelativeError } from './testUtils/compareDeliveryMetrics';
import { SeededRandom } from './testUtils/seededRandom';

const ALPHA = DurationSketch.relativeAccuracy;
const GAMMA = (1 + ALPHA) / (1 - ALPHA);
const HOUR = 3_600_000;

/** Durations as the engine makes them: whole milliseconds. */
const DISTRIBUTIONS: Record<string, (random: SeededRandom) => number> = {
  'log-normal hours': r => Math.round(r.logNormal(5 * HOUR, 1.5)),
  'uniform up to a day': r => r.int(0, 24 * HOUR),
  'few distinct values (ties)': r => r.pick([0, 1, 60_000, 60_000, HOUR]),
  'with many zeros': r => (r.chance(0.5) ? 0 : r.int(1, 10_000)),
  'one millisecond to three years': r =>
    Math.round(Math.exp(r.next() * Math.log(1e11))),
  'bucket edges (powers of γ)': r => Math.round(GAMMA ** r.int(0, 1200)),
  'around the tier thresholds': r => r.pick(ALIGNED_EDGES_MS) + r.int(-2, 2),
  'two far clusters': r => (r.chance(0.5) ? r.int(1, 3) : r.int(1e10, 2e10)),
};
const SIZES = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 16, 33, 64, 99, 100, 1000, 4096];

describe('DurationSketch', () => {
  it('reads every percentile within α of statistics.ts, on random inputs of many sizes', () => {
    const random = new SeededRandom(20261125);
    let checks = 0;
    for (const [name, draw] of Object.entries(DISTRIBUTIONS)) {
      for (const size of SIZES) {
        const values = Array.from({ length: size }, () => draw(random));
        const sketch = DurationSketch.of(values);
        expect(sketch.count).toBe(size);
        for (const p of [0, 1, 25, 50, 75, 90, 99, 100, random.next() * 100]) {
          const exact = percentile(values, p)!;
          const estimate = sketch.percentile(p)!;
          if (!withinRelativeError(estimate, exact)) {
            throw new Error(
              `${name}, ${size} values, p${p}: ${estimate} is not within α of ${exact}`,
            );
          }
          checks++;
        }
        expect(
          withinRelativeError(sketch.median(), percentile(values, 50)),
        ).toBe(true);
      }
    }
    expect(checks).toBe(Object.keys(DISTRIBUTIONS).length * SIZES.length * 9);
  });

  it('keeps the bound for the mean of two middle values, however far apart they are', () => {
    // The two order statistics are each read within α, and their mean has positive weights, so
    // the mean is within α too, even when they fall in very different buckets.
    for (const [a, b] of [
      [1, 1e10],
      [0, 86_400_000],
      [999, 1001],
      [HOUR, HOUR],
    ]) {
      const estimate = DurationSketch.of([b, a]).median()!;
      expect(withinRelativeError(estimate, (a + b) / 2)).toBe(true);
    }
    // p75 of four values interpolates a quarter of the way from the third to the fourth.
    const values = [10, 20, 30_000, 4e9];
    expect(
      withinRelativeError(
        DurationSketch.of(values).percentile(75),
        percentile(values, 75),
      ),
    ).toBe(true);
  });

  it('attains, and does not exceed, the relative error α', () => {
    // The worst case is a value at either end of its bucket; sweep finely from 1 ms to 3 years.
    let worst = 0;
    for (let ms = 1; ms < 1e11; ms *= 1.0003) {
      const estimate = DurationSketch.of([ms]).median()!;
      worst = Math.max(worst, Math.abs(estimate - ms) / ms);
    }
    expect(worst).toBeGreaterThan(ALPHA * 0.99);
    expect(worst).toBeLessThanOrEqual(ALPHA * (1 + 1e-12));
  });

  it('reads zero exactly and counts a sub-millisecond duration as zero', () => {
    expect(DurationSketch.of([0, 0, 0]).median()).toBe(0);
    expect(DurationSketch.of([0, 0.4, 0.9]).percentile(100)).toBe(0);
    expect(
      withinRelativeError(DurationSketch.of([0, 1000]).median(), 500),
    ).toBe(true);
  });

  it('has no value without durations and refuses durations the engine never makes', () => {
    expect(DurationSketch.empty.count).toBe(0);
    expect(DurationSketch.empty.median()).toBeUndefined();
    expect(DurationSketch.of([]).percentile(75)).toBeUndefined();
    expect(() => DurationSketch.of([-1])).toThrow(RangeError);
    expect(() => DurationSketch.of([NaN])).toThrow(RangeError);
    expect(() => DurationSketch.of([Infinity])).toThrow(RangeError);
    expect(() => DurationSketch.of([1]).percentile(101)).toThrow(RangeError);
  });

  it('merges exactly: the merge of parts is the sketch of the whole, in any order and grouping', () => {
    const random = new SeededRandom(7);
    for (let round = 0; round < 50; round++) {
      const parts = Array.from({ length: 3 }, () =>
        Array.from({ length: random.int(0, 300) }, () =>
          random.chance(0.1) ? 0 : Math.round(random.logNormal(HOUR, 2)),
        ),
      );
      const [a, b, c] = parts.map(part => DurationSketch.of(part));
      const whole = DurationSketch.of(parts.flat()).toJSON();
      expect(a.merge(b).merge(c).toJSON()).toEqual(whole);
      expect(a.merge(b.merge(c)).toJSON()).toEqual(whole);
      expect(c.merge(a).merge(b).toJSON()).toEqual(whole);
      expect(DurationSketch.mergeAll([b, a, c]).toJSON()).toEqual(whole);
      expect(DurationSketch.mergeAll([b, a, c]).count).toBe(
        parts.flat().length,
      );
      expect(a.merge(DurationSketch.empty)).toBe(a);
      expect(DurationSketch.empty.merge(a)).toBe(a);
      expect(DurationSketch.mergeAll([])).toBe(DurationSketch.empty);
    }
  });

  it('writes a compact array: zero bucket, first key, counts, negative gaps', () => {
    const first = bucketKeyOf(1000);
    const next = bucketValue(first + 1); // a duration in the following bucket
    const sketch = DurationSketch.of([0, 0, 1000, 1000, next, 1e6]);
    expect(bucketKeyOf(next)).toBe(first + 1);
    expect(sketch.toJSON()).toEqual([
      2,
      first,
      2,
      1,
      -(bucketKeyOf(1e6) - (first + 1) - 1),
      1,
    ]);
    expect(sketch.serialize()).toBe(JSON.stringify(sketch.toJSON()));
    expect(DurationSketch.empty.serialize()).toBe('[0]');
    expect(DurationSketch.of([0]).serialize()).toBe('[1]');
  });

  it('reads back what it wrote', () => {
    const random = new SeededRandom(11);
    for (const size of [0, 1, 2, 10, 1000]) {
      const sketch = DurationSketch.of(
        Array.from({ length: size }, () =>
          random.chance(0.05) ? 0 : Math.round(random.logNormal(HOUR, 3)),
        ),
      );
      const text = sketch.serialize();
      const read = DurationSketch.parse(text);
      expect(read.serialize()).toBe(text);
      expect(read.count).toBe(size);
      expect(read.percentile(75)).toBe(sketch.percentile(75));
    }
  });

  it('stays small: a few hundred integers for many durations', () => {
    const random = new SeededRandom(3);
    const sketch = DurationSketch.of(
      Array.from({ length: 100_000 }, () =>
        Math.round(random.logNormal(20 * HOUR, 1.5)),
      ),
    );
    expect(sketch.toJSON().length).toBeLessThan(600);
    expect(sketch.serialize().length).toBeLessThan(3000);
  });

  it.each([
    ['', /not JSON/],
    ['{}', /non-empty array/],
    ['[]', /non-empty array/],
    ['[-1]', /zero bucket/],
    ['[1.5]', /zero bucket/],
    ['[0,10]', /followed by counts/],
    ['[0,-3000,1]', /first key/],
    ['[0,1e9,1]', /first key/],
    ['[0,10,0]', /count \(positive integer\)/],
    ['[0,10,1.5]', /count \(positive integer\)/],
    ['[0,10,"1"]', /count \(positive integer\)/],
    ['[0,10,-2,1]', /between two counts/],
    ['[0,10,1,-2]', /between two counts/],
    ['[0,10,1,-2,-2,1]', /between two counts/],
    ['[0,34700,1,-100,1]', /beyond the largest duration/],
    [`[0,10,${Number.MAX_SAFE_INTEGER},1]`, /too large/],
  ])('refuses the malformed text %j', (text, reason) => {
    expect(() => DurationSketch.parse(text)).toThrow(
      DeliverySummaryFormatError,
    );
    expect(() => DurationSketch.parse(text)).toThrow(reason);
    expect(() => DurationSketch.parse(text)).toThrow(
      /^Malformed duration sketch: /,
    );
  });
});
