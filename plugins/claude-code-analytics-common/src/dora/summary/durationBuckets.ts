/**
 * The buckets of a `DurationSketch`: logarithmic, each at most γ = (1 + α) / (1 − α) times as
 * wide at its top as at its bottom, so that one value reads back within α of every duration in
 * it. Unlike a plain DDSketch grid, the edges include the hour thresholds of the lead time and
 * recovery time tiers: a bucket never straddles one, so a median that is one duration (or the
 * mean of two on the same side) gets the exact tier.
 *
 * The layout is part of the stored format: changing α or the aligned edges changes what stored
 * keys mean and needs a new `DELIVERY_SUMMARY_FORMAT_VERSION`.
 */

/** α: the largest relative error of a value read back from a bucket. */
export const RELATIVE_ACCURACY = 0.01;

const GAMMA = (1 + RELATIVE_ACCURACY) / (1 - RELATIVE_ACCURACY);
const LN_GAMMA = Math.log(GAMMA);
const MS_PER_HOUR = 3_600_000;

/**
 * Edges every grid is aligned to: 1 h, 1 day, 1 week and 30 days, the thresholds of
 * `DORA_TIERS.leadTime` and `DORA_TIERS.recoveryTime` (both `value < limit`, which
 * buckets `[lower, upper)` respect).
 */
export const ALIGNED_EDGES_MS: readonly number[] = [1, 24, 168, 720].map(
  hours => hours * MS_PER_HOUR,
);

/** Durations below this go to the zero bucket: a logarithmic bucket cannot hold 0. */
export const MIN_INDEXED_MS = 1;

/**
 * Between two aligned edges, a grid of `count` equal ratios: the fewest that keep each ratio
 * within γ.
 */
const SEGMENTS = ALIGNED_EDGES_MS.slice(0, -1).map((lower, i) => {
  const upper = ALIGNED_EDGES_MS[i + 1];
  const count = Math.ceil(Math.log(upper / lower) / LN_GAMMA);
  return { lower, upper, count, lnRatio: Math.log(upper / lower) / count };
});
/** Key of the first bucket of each segment; segment keys follow one another from 0. */
const SEGMENT_OFFSETS = SEGMENTS.map((_, i) =>
  SEGMENTS.slice(0, i).reduce((sum, s) => sum + s.count, 0),
);
const FIRST_EDGE = ALIGNED_EDGES_MS[0];
const LAST_EDGE = ALIGNED_EDGES_MS[ALIGNED_EDGES_MS.length - 1];
const ABOVE_OFFSET = SEGMENTS.reduce((sum, s) => sum + s.count, 0);

/**
 * The key of the bucket `[lower, upper)` holding a duration of at least {@link MIN_INDEXED_MS}:
 * negative below the first aligned edge (grid γ down from it), then the segments' grids, then
 * grid γ up from the last edge. The aligned edges are compared exactly, so rounding can only
 * move a duration between two neighbouring buckets of the same segment.
 */
export function bucketKeyOf(ms: number): number {
  if (ms < FIRST_EDGE) {
    return Math.min(-1, Math.floor(Math.log(ms / FIRST_EDGE) / LN_GAMMA));
  }
  if (ms >= LAST_EDGE) {
    return ABOVE_OFFSET + Math.floor(Math.log(ms / LAST_EDGE) / LN_GAMMA);
  }
  let i = 0;
  while (ms >= SEGMENTS[i].upper) {
    i++;
  }
  const { lower, count, lnRatio } = SEGMENTS[i];
  const step = Math.floor(Math.log(ms / lower) / lnRatio);
  return SEGMENT_OFFSETS[i] + Math.max(0, Math.min(count - 1, step));
}

/** The lower bound of a bucket and the ratio of its upper bound (excluded) to it. */
function bucketShape(key: number): { lower: number; ratio: number } {
  if (key < 0) {
    return { lower: FIRST_EDGE * Math.exp(key * LN_GAMMA), ratio: GAMMA };
  }
  if (key >= ABOVE_OFFSET) {
    const step = key - ABOVE_OFFSET;
    return { lower: LAST_EDGE * Math.exp(step * LN_GAMMA), ratio: GAMMA };
  }
  let i = SEGMENTS.length - 1;
  while (key < SEGMENT_OFFSETS[i]) {
    i--;
  }
  const { lower, upper, count, lnRatio } = SEGMENTS[i];
  const step = key - SEGMENT_OFFSETS[i];
  const bucketLower = lower * Math.exp(step * lnRatio);
  return {
    lower: bucketLower,
    // The last bucket of a segment ends exactly on the aligned edge.
    ratio: step === count - 1 ? upper / bucketLower : Math.exp(lnRatio),
  };
}

/**
 * The value a bucket `[lower, upper)` reads back as: `2·lower·upper / (lower + upper)`, within
 * `(upper − lower) / (upper + lower) ≤ α` of every duration in it, and inside the bucket (so on
 * the same side of every aligned edge as its durations).
 */
export function bucketValue(key: number): number {
  const { lower, ratio } = bucketShape(key);
  return (lower * 2 * ratio) / (1 + ratio);
}

/** The smallest and largest keys a finite duration can have; others are corrupt. */
export const MIN_BUCKET_KEY = bucketKeyOf(MIN_INDEXED_MS);
export const MAX_BUCKET_KEY = bucketKeyOf(Number.MAX_VALUE);
