/**
 * The p-th percentile (0 to 100) of some values, interpolating linearly between the two nearest
 * ranks (the method of numpy's default and of spreadsheets' PERCENTILE.INC); `undefined` without
 * values. The input is not modified.
 *
 * @public
 */
export function percentile(
  values: readonly number[],
  p: number,
): number | undefined {
  if (values.length === 0) {
    return undefined;
  }
  if (!(p >= 0 && p <= 100)) {
    throw new RangeError(`percentile must be between 0 and 100, got ${p}`);
  }
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const lower = Math.floor(rank);
  const upper = Math.ceil(rank);
  return sorted[lower] + (sorted[upper] - sorted[lower]) * (rank - lower);
}

/**
 * The median of some values (the mean of the two middle ones for an even count); `undefined`
 * without values.
 *
 * @public
 */
export function median(values: readonly number[]): number | undefined {
  return percentile(values, 50);
}
