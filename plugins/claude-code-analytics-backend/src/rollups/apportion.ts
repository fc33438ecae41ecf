/**
 * Splits a whole number across weights so that the parts are whole numbers that add up to the total
 * (largest remainder method; ties go to the earlier weight, so the result is deterministic).
 */
export function apportion(total: number, weights: number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (weights.length === 0 || sum <= 0) {
    return weights.map(() => 0);
  }
  const exact = weights.map(w => (total * w) / sum);
  const parts = exact.map(Math.floor);
  let left = total - parts.reduce((a, b) => a + b, 0);
  const order = exact
    .map((value, index) => ({ index, remainder: value - Math.floor(value) }))
    .sort((a, b) => b.remainder - a.remainder || a.index - b.index);
  for (const { index } of order) {
    if (left <= 0) {
      break;
    }
    parts[index] += 1;
    left -= 1;
  }
  return parts;
}
