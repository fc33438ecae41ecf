import { DeliveryFacts, DeploymentFacts } from '../collectDeliveryFacts';
import { PullRequestSpans } from '../computePullRequestSpans';
import {
  DeliverySummary,
  DeploymentTally,
  PullRequestTally,
} from './DeliverySummary';
import { DurationSketch } from './DurationSketch';
import { utcDayOf } from './utcDay';

type DeploymentDraft = {
  -readonly [K in Exclude<keyof DeploymentTally, 'recoveryMs'>]: number;
} & { recoveryMs: number[] };

type PullRequestDraft = { merged: number } & Record<
  Exclude<keyof PullRequestTally, 'merged'>,
  number[]
>;

type DayDraft = {
  deployments: Record<'all' | 'aiAssisted' | 'other', DeploymentDraft>;
  pullRequests: Record<'aiAssisted' | 'other', PullRequestDraft>;
};

const CYCLE_STAGES = [
  'codingMs',
  'pickupMs',
  'reviewMs',
  'deployMs',
  'cycleMs',
] as const satisfies ReadonlyArray<keyof PullRequestSpans>;

function deploymentDraft(): DeploymentDraft {
  return { successful: 0, production: 0, failed: 0, rework: 0, recoveryMs: [] };
}

function pullRequestDraft(): PullRequestDraft {
  return {
    merged: 0,
    leadTimeMs: [],
    codingMs: [],
    pickupMs: [],
    reviewMs: [],
    deployMs: [],
    cycleMs: [],
  };
}

/** The sides a deployment (and so its failures, recoveries and rework) counts on. */
function sidesOf(
  day: DayDraft,
  deployment: DeploymentFacts,
): DeploymentDraft[] {
  const sides = [day.deployments.all];
  if (deployment.carriesAiAssisted) {
    sides.push(day.deployments.aiAssisted);
  }
  if (deployment.carriesOther) {
    sides.push(day.deployments.other);
  }
  return sides;
}

function finishDeployments(draft: DeploymentDraft): DeploymentTally {
  return { ...draft, recoveryMs: DurationSketch.of(draft.recoveryMs) };
}

function finishPullRequests(draft: PullRequestDraft): PullRequestTally {
  return {
    merged: draft.merged,
    leadTimeMs: DurationSketch.of(draft.leadTimeMs),
    codingMs: DurationSketch.of(draft.codingMs),
    pickupMs: DurationSketch.of(draft.pickupMs),
    reviewMs: DurationSketch.of(draft.reviewMs),
    deployMs: DurationSketch.of(draft.deployMs),
    cycleMs: DurationSketch.of(draft.cycleMs),
  };
}

/**
 * The {@link DeliverySummary} of each UTC day (`YYYY-MM-DD`) on which something happened, each
 * event on the day of the timestamp its metric counts it by (see {@link DeliverySummary}), with
 * the same sides and filters as `aggregateDeliveryFacts`. Merging the summaries of the days of a
 * period and reading them with `deliveryMetricsFromSummary` gives that period's
 * `aggregateDeliveryFacts`, medians within {@link DurationSketch.relativeAccuracy}.
 *
 * The facts must come from `collectDeliveryFacts` over enough events around the days (incidents
 * and reverts blame earlier deployments, later deployments recover failures and deploy earlier
 * merges), exactly as for the unsummarised metrics: a day's summary changes when such an event
 * arrives.
 *
 * @public
 */
export function summarizeDeliveryFacts(
  facts: DeliveryFacts,
): Map<string, DeliverySummary> {
  const days = new Map<string, DayDraft>();
  const dayAt = (ms: number): DayDraft => {
    const key = utcDayOf(ms);
    let day = days.get(key);
    if (!day) {
      day = {
        deployments: {
          all: deploymentDraft(),
          aiAssisted: deploymentDraft(),
          other: deploymentDraft(),
        },
        pullRequests: {
          aiAssisted: pullRequestDraft(),
          other: pullRequestDraft(),
        },
      };
      days.set(key, day);
    }
    return day;
  };

  for (const deployment of facts.deployments) {
    for (const side of sidesOf(dayAt(deployment.finishedAtMs), deployment)) {
      side.production++;
      if (deployment.success) {
        side.successful++;
        if (deployment.rework) {
          side.rework++;
        }
      }
      if (deployment.failed) {
        side.failed++;
      }
    }
  }

  for (const recovery of facts.recoveries) {
    const day = dayAt(recovery.recoveredAtMs);
    for (const side of sidesOf(day, recovery.failedDeployment)) {
      side.recoveryMs.push(recovery.durationMs);
    }
  }

  for (const pr of facts.pullRequests) {
    const sideOf = (day: DayDraft) =>
      pr.aiAssisted ? day.pullRequests.aiAssisted : day.pullRequests.other;
    if (pr.deployedAtMs !== undefined && pr.spans.leadTimeMs !== undefined) {
      sideOf(dayAt(pr.deployedAtMs)).leadTimeMs.push(pr.spans.leadTimeMs);
    }
    if (pr.mergedAtMs !== undefined) {
      const side = sideOf(dayAt(pr.mergedAtMs));
      side.merged++;
      for (const stage of CYCLE_STAGES) {
        const ms = pr.spans[stage];
        if (ms !== undefined) {
          side[stage].push(ms);
        }
      }
    }
  }

  const ascending = [...days].sort(([a], [b]) => (a < b ? -1 : 1));
  return new Map(
    ascending.map(([key, day]) => [
      key,
      {
        deployments: {
          all: finishDeployments(day.deployments.all),
          aiAssisted: finishDeployments(day.deployments.aiAssisted),
          other: finishDeployments(day.deployments.other),
        },
        pullRequests: {
          aiAssisted: finishPullRequests(day.pullRequests.aiAssisted),
          other: finishPullRequests(day.pullRequests.other),
        },
      },
    ]),
  );
}
