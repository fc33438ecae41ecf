import { DeliveryMetrics } from '../../api/types';
import { DeliveryPeriod } from '../aggregateDeliveryFacts';
import { classifyChangeFailureRate } from '../classifyChangeFailureRate';
import { classifyDeploymentFrequency } from '../classifyDeploymentFrequency';
import { classifyLeadTime } from '../classifyLeadTime';
import { classifyRecoveryTime } from '../classifyRecoveryTime';
import { DeliverySummary, DeliverySummarySide } from './DeliverySummary';
import { DurationSketch } from './DurationSketch';
import { mergePullRequestTallies } from './mergeDeliverySummaries';

const MS_PER_HOUR = 3_600_000;

function share(count: number, of: number): number | undefined {
  return of > 0 ? count / of : undefined;
}

function hours(ms: number | undefined): number | undefined {
  return ms === undefined ? undefined : ms / MS_PER_HOUR;
}

function medianHours(sketch: DurationSketch): number | undefined {
  return hours(sketch.median());
}

/**
 * The delivery metrics of a summary, on one side of the AI-assisted split (`all` by default),
 * for a period whose days are exactly the summarised ones (`period.weeks` gives the frequency).
 * Equal to `aggregateDeliveryFacts` over the same facts and period, except that medians and p75
 * are read from sketches, within {@link DurationSketch.relativeAccuracy} of the exact values; tiers
 * come from the same classifiers, so a median tier can differ only when the exact median lies
 * within that error of a tier threshold.
 *
 * @public
 */
export function deliveryMetricsFromSummary(
  summary: DeliverySummary,
  period: DeliveryPeriod,
  side: DeliverySummarySide = 'all',
): DeliveryMetrics {
  const deployments = summary.deployments[side];
  const pullRequests =
    side === 'all'
      ? mergePullRequestTallies(
          summary.pullRequests.aiAssisted,
          summary.pullRequests.other,
        )
      : summary.pullRequests[side];

  const perWeek = deployments.successful / period.weeks;
  const leadTimeMedian = medianHours(pullRequests.leadTimeMs);
  const changeFailureRate = share(deployments.failed, deployments.production);
  const recoveryMedian = medianHours(deployments.recoveryMs);
  return {
    deployments: deployments.successful,
    mergedPullRequests: pullRequests.merged,
    deploymentFrequency: {
      perWeek,
      tier:
        deployments.successful > 0
          ? classifyDeploymentFrequency(perWeek)
          : undefined,
    },
    leadTime: {
      medianHours: leadTimeMedian,
      p75Hours: hours(pullRequests.leadTimeMs.percentile(75)),
      tier: classifyLeadTime(leadTimeMedian),
    },
    changeFailureRate: {
      value: changeFailureRate,
      tier: classifyChangeFailureRate(changeFailureRate),
    },
    recoveryTime: {
      medianHours: recoveryMedian,
      tier: classifyRecoveryTime(recoveryMedian),
    },
    reworkRate: {
      value: share(deployments.rework, deployments.successful),
    },
    cycleTime: {
      codingHours: medianHours(pullRequests.codingMs),
      pickupHours: medianHours(pullRequests.pickupMs),
      reviewHours: medianHours(pullRequests.reviewMs),
      deployHours: medianHours(pullRequests.deployMs),
      cycleHours: medianHours(pullRequests.cycleMs),
    },
    samples: {
      leadTime: pullRequests.leadTimeMs.count,
      changeFailureRate: deployments.production,
      recoveryTime: deployments.recoveryMs.count,
      cycleTime: pullRequests.cycleMs.count,
    },
  };
}
