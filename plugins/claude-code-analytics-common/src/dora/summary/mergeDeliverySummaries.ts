import {
  DeliverySummary,
  DeploymentTally,
  PullRequestTally,
} from './DeliverySummary';
import { DurationSketch } from './DurationSketch';

/** Two deployment tallies together. */
export function mergeDeploymentTallies(
  a: DeploymentTally,
  b: DeploymentTally,
): DeploymentTally {
  return {
    successful: a.successful + b.successful,
    production: a.production + b.production,
    failed: a.failed + b.failed,
    rework: a.rework + b.rework,
    recoveryMs: a.recoveryMs.merge(b.recoveryMs),
  };
}

/** Two pull request tallies together. */
export function mergePullRequestTallies(
  a: PullRequestTally,
  b: PullRequestTally,
): PullRequestTally {
  return {
    merged: a.merged + b.merged,
    leadTimeMs: a.leadTimeMs.merge(b.leadTimeMs),
    codingMs: a.codingMs.merge(b.codingMs),
    pickupMs: a.pickupMs.merge(b.pickupMs),
    reviewMs: a.reviewMs.merge(b.reviewMs),
    deployMs: a.deployMs.merge(b.deployMs),
    cycleMs: a.cycleMs.merge(b.cycleMs),
  };
}

/**
 * The summary of the events of two summaries together (other days, or other repositories of the
 * same days): counts add, sketches merge. Pure, associative and commutative, with
 * `EMPTY_DELIVERY_SUMMARY` as neutral element, so rollups can be merged in any grouping.
 *
 * @public
 */
export function mergeDeliverySummaries(
  a: DeliverySummary,
  b: DeliverySummary,
): DeliverySummary {
  return {
    deployments: {
      all: mergeDeploymentTallies(a.deployments.all, b.deployments.all),
      aiAssisted: mergeDeploymentTallies(
        a.deployments.aiAssisted,
        b.deployments.aiAssisted,
      ),
      other: mergeDeploymentTallies(a.deployments.other, b.deployments.other),
    },
    pullRequests: {
      aiAssisted: mergePullRequestTallies(
        a.pullRequests.aiAssisted,
        b.pullRequests.aiAssisted,
      ),
      other: mergePullRequestTallies(
        a.pullRequests.other,
        b.pullRequests.other,
      ),
    },
  };
}

function sum<T>(items: readonly T[], pick: (item: T) => number): number {
  let total = 0;
  for (const item of items) {
    total += pick(item);
  }
  return total;
}

function mergeAllDeploymentTallies(
  tallies: readonly DeploymentTally[],
): DeploymentTally {
  return {
    successful: sum(tallies, t => t.successful),
    production: sum(tallies, t => t.production),
    failed: sum(tallies, t => t.failed),
    rework: sum(tallies, t => t.rework),
    recoveryMs: DurationSketch.mergeAll(tallies.map(t => t.recoveryMs)),
  };
}

function mergeAllPullRequestTallies(
  tallies: readonly PullRequestTally[],
): PullRequestTally {
  const sketches = (pick: (t: PullRequestTally) => DurationSketch) =>
    DurationSketch.mergeAll(tallies.map(pick));
  return {
    merged: sum(tallies, t => t.merged),
    leadTimeMs: sketches(t => t.leadTimeMs),
    codingMs: sketches(t => t.codingMs),
    pickupMs: sketches(t => t.pickupMs),
    reviewMs: sketches(t => t.reviewMs),
    deployMs: sketches(t => t.deployMs),
    cycleMs: sketches(t => t.cycleMs),
  };
}

/**
 * The summary of the events of many summaries together: the same as merging them one by one
 * with {@link mergeDeliverySummaries}, in one pass, for the tens of day and month rows of a query.
 *
 * @public
 */
export function mergeAllDeliverySummaries(
  summaries: Iterable<DeliverySummary>,
): DeliverySummary {
  const list = [...summaries];
  return {
    deployments: {
      all: mergeAllDeploymentTallies(list.map(s => s.deployments.all)),
      aiAssisted: mergeAllDeploymentTallies(
        list.map(s => s.deployments.aiAssisted),
      ),
      other: mergeAllDeploymentTallies(list.map(s => s.deployments.other)),
    },
    pullRequests: {
      aiAssisted: mergeAllPullRequestTallies(
        list.map(s => s.pullRequests.aiAssisted),
      ),
      other: mergeAllPullRequestTallies(list.map(s => s.pullRequests.other)),
    },
  };
}
