import {
  DeliveryDeployment,
  DeliveryInput,
  DeliveryPullRequest,
} from './deliveryInput';
import { pullRequestKey, repositoryItemKey } from './deliveryKeys';
import { DeploymentTimeline } from './deploymentTimeline';
import { findFirstProductionDeployments } from './findFirstProductionDeployments';
import {
  DEFAULT_PRODUCTION_ENVIRONMENT,
  isProductionDeployment,
} from './isProductionDeployment';
import { linkIncidentsToDeployments } from './linkIncidentsToDeployments';
import {
  deploymentFinishedAtMs,
  parseInstant,
  parseOptionalInstant,
} from './parseInstant';
import {
  computePullRequestSpans,
  PullRequestSpans,
} from './computePullRequestSpans';
import {
  isHotfixPullRequest,
  isRevertPullRequest,
  revertedTitle,
} from './reworkPullRequests';

/** What the metrics need to know about one pull request. */
export type PullRequestFacts = {
  aiAssisted: boolean;
  mergedAtMs?: number;
  deployedAtMs?: number;
  spans: PullRequestSpans;
};

/** What the metrics need to know about one production deployment. */
export type DeploymentFacts = {
  deployment: DeliveryDeployment;
  finishedAtMs: number;
  success: boolean;
  /** Needed immediate intervention: failed, blamed for an incident, or reverted/rolled back. */
  failed: boolean;
  /** Unplanned: made to fix a production problem. */
  rework: boolean;
  carriesAiAssisted: boolean;
  carriesOther: boolean;
};

/** One recovery from a failure, attributed to the deployment that failed. */
export type RecoveryFacts = {
  failedDeployment: DeploymentFacts;
  recoveredAtMs: number;
  durationMs: number;
};

/** Everything known about the events of an input, before choosing a period or a side. */
export type DeliveryFacts = {
  pullRequests: PullRequestFacts[];
  deployments: DeploymentFacts[];
  recoveries: RecoveryFacts[];
};

/**
 * Works out, once for the whole input, which production deployment each pull request first
 * reached, which deployments failed or were rework, and every recovery. Doing it on the whole
 * input keeps links right when the metrics are then taken over a subset (AI-assisted pull
 * requests): an incident stays blamed on the deployment that really preceded it.
 */
export function collectDeliveryFacts(
  input: Omit<DeliveryInput, 'from' | 'to'>,
): DeliveryFacts {
  const production =
    input.productionEnvironment ?? DEFAULT_PRODUCTION_ENVIRONMENT;
  const deployments = input.deployments.filter(d =>
    isProductionDeployment(d, production),
  );
  const prsByKey = new Map(
    input.pullRequests.map(pr => [
      pullRequestKey(pr.repository, pr.number),
      pr,
    ]),
  );
  const firstDeployments = findFirstProductionDeployments(
    deployments,
    production,
  );
  const successes = DeploymentTimeline.create(deployments, d => d.repository);
  const finishOf = deploymentFinishedAtMs;
  const carried = (d: DeliveryDeployment) =>
    d.pullRequests.flatMap(number => {
      const pr = prsByKey.get(pullRequestKey(d.repository, number));
      return pr ? [pr] : [];
    });
  // Pull requests by repository and title, for the reverts that name theirs; built on the first.
  let byTitle: Map<string, DeliveryPullRequest[]> | undefined;
  const withTitle = (repository: string, title: string) => {
    if (!byTitle) {
      byTitle = new Map();
      for (const pr of input.pullRequests) {
        const key = repositoryItemKey(pr.repository, pr.title ?? '');
        const list = byTitle.get(key);
        if (list) {
          list.push(pr);
        } else {
          byTitle.set(key, [pr]);
        }
      }
    }
    return byTitle.get(repositoryItemKey(repository, title)) ?? [];
  };

  const failedKeys = new Set<string>();
  const reworkKeys = new Set<string>();
  const keyOf = (d: DeliveryDeployment) =>
    repositoryItemKey(d.repository, d.id);
  const recoveries: Array<
    Omit<RecoveryFacts, 'failedDeployment'> & {
      failedKey: string;
    }
  > = [];

  for (const { incident, deployment } of linkIncidentsToDeployments(
    input.incidents,
    deployments,
    production,
  )) {
    const createdAtMs = parseInstant(
      incident.createdAt,
      `createdAt of incident ${incident.id}`,
    );
    const resolvedAtMs = parseOptionalInstant(
      incident.resolvedAt,
      `resolvedAt of incident ${incident.id}`,
    );
    if (deployment) {
      failedKeys.add(keyOf(deployment));
      const durationMs =
        resolvedAtMs === undefined
          ? undefined
          : resolvedAtMs - finishOf(deployment);
      if (
        resolvedAtMs !== undefined &&
        durationMs !== undefined &&
        durationMs >= 0
      ) {
        recoveries.push({
          failedKey: keyOf(deployment),
          recoveredAtMs: resolvedAtMs,
          durationMs,
        });
      }
    }
    // No pull request names the incident it fixes, so the first production deployment while
    // the incident was open stands for the fix.
    const fix = successes.firstAfter(incident.repository, createdAtMs);
    if (fix && (resolvedAtMs === undefined || finishOf(fix) <= resolvedAtMs)) {
      reworkKeys.add(keyOf(fix));
    }
  }

  for (const deployment of deployments) {
    const finishedAtMs = finishOf(deployment);
    if (deployment.status === 'failure') {
      failedKeys.add(keyOf(deployment));
      const next = successes.firstAfter(deployment.repository, finishedAtMs);
      if (next) {
        const recoveredAtMs = finishOf(next);
        recoveries.push({
          failedKey: keyOf(deployment),
          recoveredAtMs,
          durationMs: recoveredAtMs - finishedAtMs,
        });
      }
      continue;
    }
    const prs = carried(deployment);
    if (prs.some(pr => isHotfixPullRequest(pr) || isRevertPullRequest(pr))) {
      reworkKeys.add(keyOf(deployment));
    }
    for (const revert of prs.filter(isRevertPullRequest)) {
      const reverted = findRevertedDeployment(
        revert,
        deployment,
        finishedAtMs,
        withTitle(revert.repository, revertedTitle(revert.title) ?? ''),
        firstDeployments,
        finishOf,
      );
      const target =
        reverted ?? successes.latestBefore(deployment.repository, finishedAtMs);
      if (target) {
        failedKeys.add(keyOf(target));
      }
    }
  }

  const deploymentFacts = deployments.map((deployment): DeploymentFacts => {
    const prs = carried(deployment);
    const key = keyOf(deployment);
    return {
      deployment,
      finishedAtMs: finishOf(deployment),
      success: deployment.status === 'success',
      failed: failedKeys.has(key),
      rework: reworkKeys.has(key),
      carriesAiAssisted: prs.some(pr => pr.aiAssisted),
      carriesOther: prs.some(pr => !pr.aiAssisted),
    };
  });
  const factsByKey = new Map(
    deploymentFacts.map(f => [keyOf(f.deployment), f]),
  );

  return {
    pullRequests: input.pullRequests.map(pr => {
      const deployment = firstDeployments.get(
        pullRequestKey(pr.repository, pr.number),
      );
      return {
        aiAssisted: pr.aiAssisted,
        mergedAtMs: parseOptionalInstant(
          pr.mergedAt,
          `mergedAt of pull request ${pr.repository}#${pr.number}`,
        ),
        deployedAtMs: deployment ? finishOf(deployment) : undefined,
        spans: computePullRequestSpans(pr, deployment?.finishedAt),
      };
    }),
    deployments: deploymentFacts,
    recoveries: recoveries.flatMap(({ failedKey, ...recovery }) => {
      const failedDeployment = factsByKey.get(failedKey);
      return failedDeployment ? [{ ...recovery, failedDeployment }] : [];
    }),
  };
}

/**
 * The deployment a revert undoes: the first production deployment of the pull request its
 * `Revert "<title>"` title names (same repository; of several such, the latest that finished
 * before the revert's deployment). Undefined when it cannot be told. `pullRequests` holds at least
 * the pull requests of the revert's repository with that title, in input order.
 */
function findRevertedDeployment(
  revert: DeliveryPullRequest,
  revertDeployment: DeliveryDeployment,
  revertFinishedAtMs: number,
  pullRequests: readonly DeliveryPullRequest[],
  firstDeployments: Map<string, DeliveryDeployment>,
  finishOf: (d: DeliveryDeployment) => number,
): DeliveryDeployment | undefined {
  const title = revertedTitle(revert.title);
  if (title === undefined) {
    return undefined;
  }
  const candidates = pullRequests
    .filter(
      pr =>
        pr.repository === revert.repository &&
        pr.number !== revert.number &&
        pr.title === title,
    )
    .map(pr => firstDeployments.get(pullRequestKey(pr.repository, pr.number)))
    .filter(
      (d): d is DeliveryDeployment =>
        d !== undefined &&
        d !== revertDeployment &&
        finishOf(d) < revertFinishedAtMs,
    )
    .sort((a, b) => finishOf(b) - finishOf(a));
  return candidates[0];
}
