import { DeliveryMetrics } from '../api/types';
import { classifyChangeFailureRate } from './classifyChangeFailureRate';
import { classifyDeploymentFrequency } from './classifyDeploymentFrequency';
import { classifyLeadTime } from './classifyLeadTime';
import { classifyRecoveryTime } from './classifyRecoveryTime';
import {
  DeliveryFacts,
  DeploymentFacts,
  PullRequestFacts,
} from './collectDeliveryFacts';
import { median, percentile } from './statistics';

const MS_PER_HOUR = 3_600_000;

/** A period in epoch milliseconds, `endMs` exclusive, and its length in weeks. */
export type DeliveryPeriod = { startMs: number; endMs: number; weeks: number };

/** Which pull requests and deployments to aggregate; everything by default. */
export type DeliverySide = {
  pullRequest: (facts: PullRequestFacts) => boolean;
  deployment: (facts: DeploymentFacts) => boolean;
};

const EVERYTHING: DeliverySide = {
  pullRequest: () => true,
  deployment: () => true,
};

function share(count: number, of: number): number | undefined {
  return of > 0 ? count / of : undefined;
}

function hours(ms: number | undefined): number | undefined {
  return ms === undefined ? undefined : ms / MS_PER_HOUR;
}

function defined(values: Array<number | undefined>): number[] {
  return values.filter((v): v is number => v !== undefined);
}

/** The delivery metrics of the facts falling into a period, on one side. */
export function aggregateDeliveryFacts(
  facts: DeliveryFacts,
  period: DeliveryPeriod,
  side: DeliverySide = EVERYTHING,
): DeliveryMetrics {
  const inPeriod = (ms: number | undefined) =>
    ms !== undefined && ms >= period.startMs && ms < period.endMs;

  const deployments = facts.deployments.filter(
    d => inPeriod(d.finishedAtMs) && side.deployment(d),
  );
  const successful = deployments.filter(d => d.success);
  const perWeek = successful.length / period.weeks;

  const pullRequests = facts.pullRequests.filter(side.pullRequest);
  const leadTimes = defined(
    pullRequests
      .filter(pr => inPeriod(pr.deployedAtMs))
      .map(pr => pr.spans.leadTimeMs),
  );
  const merged = pullRequests.filter(pr => inPeriod(pr.mergedAtMs));
  const cycleMedian = (pick: (pr: PullRequestFacts) => number | undefined) =>
    hours(median(defined(merged.map(pick))));

  const recoveries = facts.recoveries
    .filter(
      r => inPeriod(r.recoveredAtMs) && side.deployment(r.failedDeployment),
    )
    .map(r => r.durationMs);

  const leadTimeMedian = hours(median(leadTimes));
  const changeFailureRate = share(
    deployments.filter(d => d.failed).length,
    deployments.length,
  );
  const recoveryMedian = hours(median(recoveries));
  return {
    deployments: successful.length,
    mergedPullRequests: merged.length,
    deploymentFrequency: {
      perWeek,
      tier:
        successful.length > 0
          ? classifyDeploymentFrequency(perWeek)
          : undefined,
    },
    leadTime: {
      medianHours: leadTimeMedian,
      p75Hours: hours(percentile(leadTimes, 75)),
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
      value: share(successful.filter(d => d.rework).length, successful.length),
    },
    cycleTime: {
      codingHours: cycleMedian(pr => pr.spans.codingMs),
      pickupHours: cycleMedian(pr => pr.spans.pickupMs),
      reviewHours: cycleMedian(pr => pr.spans.reviewMs),
      deployHours: cycleMedian(pr => pr.spans.deployMs),
      cycleHours: cycleMedian(pr => pr.spans.cycleMs),
    },
    samples: {
      leadTime: leadTimes.length,
      changeFailureRate: deployments.length,
      recoveryTime: recoveries.length,
      cycleTime: defined(merged.map(pr => pr.spans.cycleMs)).length,
    },
  };
}
