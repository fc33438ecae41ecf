import { DurationSketch } from 'backstage-plugin-claude-code-analytics-common';

/** Floating-point rounding allowed on top of the sketch's relative error. */
const ROUNDING = 1e-12;

/**
 * Matches a median or p75 of the delivery API against the exact value worked out by hand. The API
 * reads them from mergeable duration sketches (the delivery rollups), which give every median and
 * percentile within `DurationSketch.relativeAccuracy` (1 %) of the exact value; counts, rates,
 * tiers and samples stay exact and are compared as they are. For `toEqual`/`toMatchObject`.
 */
export function withinSketchAccuracy(exact: number) {
  const description = `withinSketchAccuracy(${exact})`;
  return {
    asymmetricMatch: (actual: unknown) =>
      typeof actual === 'number' &&
      Math.abs(actual - exact) <=
        (DurationSketch.relativeAccuracy + ROUNDING) * Math.abs(exact),
    toString: () => description,
    toAsymmetricMatcher: () => description,
  };
}
