import { DeliverySummaryFormatError } from './DeliverySummaryFormatError';
import {
  bucketKeyOf,
  bucketValue,
  MAX_BUCKET_KEY,
  MIN_BUCKET_KEY,
  MIN_INDEXED_MS,
  RELATIVE_ACCURACY,
} from './durationBuckets';

function malformed(reason: string): DeliverySummaryFormatError {
  return new DeliverySummaryFormatError(`Malformed duration sketch: ${reason}`);
}

/** A value for an error message, cut short. */
function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

/**
 * A mergeable summary of durations in milliseconds (a DDSketch: logarithmic buckets) from which
 * the median and percentiles of `statistics.ts` (`median`, `percentile`) are read within a
 * relative error α = {@link DurationSketch.relativeAccuracy} (1 %), in a few hundred integers
 * however many durations it holds.
 *
 * A duration of at least 1 ms is counted in a bucket `[lower, upper)` with `upper / lower ≤ γ`,
 * γ = (1 + α) / (1 − α), and reads back as `2·lower·upper / (lower + upper)`, within α of it.
 * The buckets are logarithmic like DDSketch's, with edges aligned on the lead time and recovery
 * time tier thresholds (1 h, 1 day, 1 week, 30 days). A duration below 1 ms is counted in a zero
 * bucket and reads back as 0; the engine's durations are differences of whole milliseconds, so
 * for them this bucket is exact.
 *
 * Guarantee: for durations that are each 0 or at least 1 ms, `percentile(p)` differs from the
 * exact `percentile(durations, p)` by at most α times the exact value (plus floating-point
 * rounding, below 1e-12 relative). This holds for interpolated values too, the median of an even
 * count (the mean of the two middle values) and p75 between two ranks: counts are exact, so the
 * sketch picks the same two order statistics `a ≤ b` and the same weight `f`; each reads back
 * within α of itself, and `(1 − f)·a + f·b` with non-negative weights then stays within
 * `(1 − f)·α·a + f·α·b = α · exact`. Merging adds bucket counts, so a merged sketch is exactly the
 * sketch of the pooled durations: the guarantee holds after any number of merges, in any order.
 *
 * Tiers: a bucket never straddles a tier threshold and reads back inside itself, so a lead time
 * or recovery time median gets the exact tier when it is one duration (odd count) or the mean of
 * two on the same side of every threshold. It can differ only when the two middle values lie on
 * both sides of a threshold and their mean is within α of it.
 *
 * Sketches are immutable: {@link DurationSketch.of} builds one, {@link DurationSketch.merge} and
 * {@link DurationSketch.mergeAll} return a new one. A sketch keeps the compact form it is stored
 * in ({@link DurationSketch.toJSON}), so reading stored sketches allocates nothing more.
 *
 * @public
 */
export class DurationSketch {
  /** α: the largest relative error of a value read from a sketch. */
  static readonly relativeAccuracy = RELATIVE_ACCURACY;

  /** The sketch without durations. */
  static readonly empty = new DurationSketch([0], 0);

  private constructor(
    /** The layout of {@link DurationSketch.toJSON}, valid. */
    private readonly encoded: readonly number[],
    /** How many durations the sketch holds (exact). */
    readonly count: number,
  ) {}

  /**
   * The sketch of some durations in milliseconds.
   *
   * @throws RangeError for a negative or non-finite duration (the engine drops negative spans
   *   before they get here).
   */
  static of(durationsMs: Iterable<number>): DurationSketch {
    let zeroCount = 0;
    const byKey = new Map<number, number>();
    for (const ms of durationsMs) {
      if (!Number.isFinite(ms) || ms < 0) {
        throw new RangeError(
          `A duration must be a finite, non-negative number of milliseconds, got ${ms}`,
        );
      }
      if (ms < MIN_INDEXED_MS) {
        zeroCount++;
      } else {
        const key = bucketKeyOf(ms);
        byKey.set(key, (byKey.get(key) ?? 0) + 1);
      }
    }
    const keys = [...byKey.keys()].sort((a, b) => a - b);
    return DurationSketch.fromBuckets(
      zeroCount,
      keys,
      keys.map(key => byKey.get(key)!),
    );
  }

  /**
   * Reads the value {@link DurationSketch.toJSON} wrote (already parsed from JSON).
   *
   * @throws DeliverySummaryFormatError when it is not such a value.
   */
  static fromJSON(value: unknown): DurationSketch {
    if (!Array.isArray(value) || value.length === 0) {
      throw malformed(`expected a non-empty array, got ${shown(value)}`);
    }
    const zeroCount: unknown = value[0];
    if (!Number.isSafeInteger(zeroCount) || (zeroCount as number) < 0) {
      throw malformed(
        `the zero bucket must be a non-negative integer, got ${shown(
          zeroCount,
        )}`,
      );
    }
    if (value.length === 1) {
      return zeroCount === 0
        ? DurationSketch.empty
        : new DurationSketch([zeroCount as number], zeroCount as number);
    }
    const firstKey: unknown = value[1];
    if (
      !Number.isSafeInteger(firstKey) ||
      (firstKey as number) < MIN_BUCKET_KEY ||
      (firstKey as number) > MAX_BUCKET_KEY
    ) {
      throw malformed(
        `the first key must be an integer from ${MIN_BUCKET_KEY} to ${MAX_BUCKET_KEY}, got ${shown(
          firstKey,
        )}`,
      );
    }
    if (value.length === 2) {
      throw malformed('a first key must be followed by counts');
    }
    let key = firstKey as number;
    let total = zeroCount as number;
    for (let i = 2; i < value.length; i++) {
      const item: unknown = value[i];
      if (!Number.isSafeInteger(item) || item === 0) {
        throw malformed(
          `item ${i} must be a count (positive integer) or a gap (negative integer), got ${shown(
            item,
          )}`,
        );
      }
      const n = item as number;
      if (n < 0) {
        if (i === 2 || i === value.length - 1 || value[i - 1] < 0) {
          throw malformed(`a gap (item ${i}) must stand between two counts`);
        }
        key -= n;
        continue;
      }
      if (key > MAX_BUCKET_KEY) {
        throw malformed(`key ${key} is beyond the largest duration`);
      }
      total += n;
      if (!Number.isSafeInteger(total)) {
        throw malformed('the total count is too large');
      }
      key++;
    }
    return new DurationSketch(value.slice(), total);
  }

  /**
   * Reads the text {@link DurationSketch.serialize} wrote.
   *
   * @throws DeliverySummaryFormatError when it is not such a text.
   */
  static parse(text: string): DurationSketch {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw malformed(`not JSON (${(error as Error).message})`);
    }
    return DurationSketch.fromJSON(value);
  }

  /**
   * The sketch of the durations of many sketches together, the same as merging them one by one,
   * in one pass (counts added per key): for rolling up tens of stored summaries per request.
   */
  static mergeAll(sketches: Iterable<DurationSketch>): DurationSketch {
    const used: DurationSketch[] = [];
    let minKey = Infinity;
    let maxKey = -Infinity;
    for (const sketch of sketches) {
      if (sketch.count === 0) {
        continue;
      }
      used.push(sketch);
      if (sketch.encoded.length > 1) {
        minKey = Math.min(minKey, sketch.encoded[1]);
        maxKey = Math.max(maxKey, sketch.lastKey());
      }
    }
    if (used.length <= 1) {
      return used[0] ?? DurationSketch.empty;
    }
    let zeroCount = 0;
    const dense = new Float64Array(maxKey >= minKey ? maxKey - minKey + 1 : 0);
    for (const { encoded } of used) {
      zeroCount += encoded[0];
      let key = encoded[1];
      for (let i = 2; i < encoded.length; i++) {
        const n = encoded[i];
        if (n < 0) {
          key -= n;
        } else {
          dense[key++ - minKey] += n;
        }
      }
    }
    const keys: number[] = [];
    const counts: number[] = [];
    for (let i = 0; i < dense.length; i++) {
      if (dense[i] > 0) {
        keys.push(minKey + i);
        counts.push(dense[i]);
      }
    }
    return DurationSketch.fromBuckets(zeroCount, keys, counts);
  }

  /** The sketch of this sketch's durations and the other's together. */
  merge(other: DurationSketch): DurationSketch {
    return DurationSketch.mergeAll([this, other]);
  }

  /**
   * The p-th percentile (0 to 100) of the durations, with the ranks and interpolation of
   * `percentile` in `statistics.ts`, within the relative error α (see {@link DurationSketch});
   * `undefined` without durations.
   */
  percentile(p: number): number | undefined {
    if (this.count === 0) {
      return undefined;
    }
    if (!(p >= 0 && p <= 100)) {
      throw new RangeError(`percentile must be between 0 and 100, got ${p}`);
    }
    const rank = (p / 100) * (this.count - 1);
    const lower = Math.floor(rank);
    const upper = Math.ceil(rank);
    const low = this.valueAtRank(lower);
    const high = upper === lower ? low : this.valueAtRank(upper);
    return low + (high - low) * (rank - lower);
  }

  /**
   * The median of the durations (the mean of the two middle ones for an even count), within the
   * relative error α; `undefined` without durations.
   */
  median(): number | undefined {
    return this.percentile(50);
  }

  /**
   * The sketch as a compact array of integers, which `JSON.stringify` writes for it: the zero
   * bucket's count, then (when other buckets are used) the lowest key and the counts of the
   * following keys one by one, a negative number `-g` skipping `g` unused keys. Deterministic:
   * equal sketches give equal arrays. What a key means depends on the bucket layout (α and the
   * aligned edges), so changing it needs a new `DELIVERY_SUMMARY_FORMAT_VERSION`.
   */
  toJSON(): number[] {
    return this.encoded.slice();
  }

  /**
   * The sketch as text, {@link DurationSketch.toJSON} as JSON; read back with
   * {@link DurationSketch.parse}.
   */
  serialize(): string {
    return JSON.stringify(this.encoded);
  }

  /** A sketch from its buckets: keys ascending, counts positive. */
  private static fromBuckets(
    zeroCount: number,
    keys: readonly number[],
    counts: readonly number[],
  ): DurationSketch {
    if (keys.length === 0) {
      return zeroCount === 0
        ? DurationSketch.empty
        : new DurationSketch([zeroCount], zeroCount);
    }
    const encoded = [zeroCount, keys[0]];
    let count = zeroCount;
    for (let i = 0; i < keys.length; i++) {
      if (i > 0 && keys[i] > keys[i - 1] + 1) {
        encoded.push(keys[i - 1] + 1 - keys[i]);
      }
      encoded.push(counts[i]);
      count += counts[i];
    }
    return new DurationSketch(encoded, count);
  }

  /** The highest key in use (the sketch has keyed buckets). */
  private lastKey(): number {
    let key = this.encoded[1] - 1;
    for (let i = 2; i < this.encoded.length; i++) {
      const n = this.encoded[i];
      key += n < 0 ? -n : 1;
    }
    return key;
  }

  /** The value of the duration at a rank (0-based, in ascending order), as its bucket reads back. */
  private valueAtRank(rank: number): number {
    let seen = this.encoded[0];
    if (rank < seen) {
      return 0;
    }
    let key = this.encoded[1];
    for (let i = 2; i < this.encoded.length; i++) {
      const n = this.encoded[i];
      if (n < 0) {
        key -= n;
        continue;
      }
      seen += n;
      if (rank < seen) {
        return bucketValue(key);
      }
      key++;
    }
    throw new RangeError(`rank ${rank} is beyond the ${this.count} durations`);
  }
}
