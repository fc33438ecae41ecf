/** Which way a metric improves, in the words of the DORA tier tables (`DORA_TIERS`). */
export type MetricDirection = 'lower' | 'higher';

/** How a metric moved from the previous period to the current one. */
export type PeriodChange = {
  /** Current minus previous, in the metric's own unit. */
  difference: number;
  verdict: 'better' | 'worse' | 'unchanged';
};

/**
 * The change of a metric against the previous period, judged by the way the metric improves
 * (`better`);
 * undefined when either period has no value to compare.
 */
export function compareToPrevious(
  current: number | undefined,
  previous: number | undefined,
  better: MetricDirection,
): PeriodChange | undefined {
  if (current === undefined || previous === undefined) {
    return undefined;
  }
  const difference = current - previous;
  if (difference === 0) {
    return { difference, verdict: 'unchanged' };
  }
  const improved = better === 'higher' ? difference > 0 : difference < 0;
  return { difference, verdict: improved ? 'better' : 'worse' };
}
