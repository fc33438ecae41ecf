import { isDeepStrictEqual } from 'util';
import { DeliveryMetrics, DoraTier } from '../../../api/types';
import { DORA_TIERS, DoraTierTable } from '../../doraTiers';
import { DurationSketch } from '../DurationSketch';

/** Floating-point rounding allowed on top of the sketch's relative error. */
const ROUNDING = 1e-12;

/** Whether an estimate is within the sketch's relative error of an exact value. */
export function withinRelativeError(
  estimate: number | undefined,
  exact: number | undefined,
): boolean {
  if (estimate === undefined || exact === undefined) {
    return estimate === exact;
  }
  return (
    Math.abs(estimate - exact) <=
    (DurationSketch.relativeAccuracy + ROUNDING) * Math.abs(exact)
  );
}

/**
 * Whether two tiers of a value and its estimate may differ: only when a threshold of the table
 * lies between them (the exact value within the sketch's error of the threshold).
 */
function tierDifferenceExplained(
  table: DoraTierTable,
  estimate: number,
  exact: number,
): boolean {
  const low = Math.min(estimate, exact);
  const high = Math.max(estimate, exact);
  return table.thresholds.some(t => low <= t.limit && t.limit <= high);
}

/**
 * Compares the metrics read from a summary with the exact ones: everything equal except medians
 * and p75, which must be within the sketch's relative error, and the lead time and recovery time
 * tiers, which may differ only where a threshold lies between the exact median and its estimate.
 * Returns what differs (empty when the estimate is acceptable) and the tier differences that the
 * thresholds explain.
 */
export function compareDeliveryMetrics(
  estimate: DeliveryMetrics,
  exact: DeliveryMetrics,
): { problems: string[]; explainedTierDifferences: string[] } {
  const problems: string[] = [];
  const explainedTierDifferences: string[] = [];

  const exactParts = (m: DeliveryMetrics) => ({
    deployments: m.deployments,
    mergedPullRequests: m.mergedPullRequests,
    deploymentFrequency: m.deploymentFrequency,
    changeFailureRate: m.changeFailureRate,
    reworkRate: m.reworkRate,
    samples: m.samples,
  });
  if (!isDeepStrictEqual(exactParts(estimate), exactParts(exact))) {
    problems.push(
      `exact parts differ: ${JSON.stringify(
        exactParts(estimate),
      )} vs ${JSON.stringify(exactParts(exact))}`,
    );
  }

  const approximated = (m: DeliveryMetrics) => ({
    'leadTime.medianHours': m.leadTime.medianHours,
    'leadTime.p75Hours': m.leadTime.p75Hours,
    'recoveryTime.medianHours': m.recoveryTime.medianHours,
    'cycleTime.codingHours': m.cycleTime.codingHours,
    'cycleTime.pickupHours': m.cycleTime.pickupHours,
    'cycleTime.reviewHours': m.cycleTime.reviewHours,
    'cycleTime.deployHours': m.cycleTime.deployHours,
    'cycleTime.cycleHours': m.cycleTime.cycleHours,
  });
  const exactValues = approximated(exact);
  for (const [name, value] of Object.entries(approximated(estimate))) {
    const expected = exactValues[name as keyof typeof exactValues];
    if (!withinRelativeError(value, expected)) {
      problems.push(`${name}: ${value} is not within α of ${expected}`);
    }
  }

  const tiers: Array<
    [string, DoraTierTable, number | undefined, number | undefined]
  > = [
    [
      'leadTime.tier',
      DORA_TIERS.leadTime,
      estimate.leadTime.medianHours,
      exact.leadTime.medianHours,
    ],
    [
      'recoveryTime.tier',
      DORA_TIERS.recoveryTime,
      estimate.recoveryTime.medianHours,
      exact.recoveryTime.medianHours,
    ],
  ];
  const tierOf = (m: DeliveryMetrics, name: string): DoraTier | undefined =>
    name === 'leadTime.tier' ? m.leadTime.tier : m.recoveryTime.tier;
  for (const [name, table, estimatedMedian, exactMedian] of tiers) {
    const got = tierOf(estimate, name);
    const want = tierOf(exact, name);
    if (got === want) {
      continue;
    }
    if (
      estimatedMedian !== undefined &&
      exactMedian !== undefined &&
      tierDifferenceExplained(table, estimatedMedian, exactMedian)
    ) {
      explainedTierDifferences.push(
        `${name}: ${got} for ${estimatedMedian} h, ${want} for ${exactMedian} h`,
      );
    } else {
      problems.push(
        `${name}: ${got} for ${estimatedMedian} h, ${want} for ${exactMedian} h`,
      );
    }
  }
  return { problems, explainedTierDifferences };
}
