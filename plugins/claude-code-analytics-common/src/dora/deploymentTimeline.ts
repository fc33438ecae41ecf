import { DeliveryDeployment } from './deliveryInput';
import { deploymentFinishedAtMs } from './parseInstant';

type Entry = { deployment: DeliveryDeployment; finishedAtMs: number };

/**
 * Successful deployments grouped by a key (a repository, or a repository and environment) and
 * sorted by finish, answering "the latest before" and "the first after" a moment.
 */
export class DeploymentTimeline {
  private readonly groups: Map<string, Entry[]>;

  private constructor(groups: Map<string, Entry[]>) {
    this.groups = groups;
  }

  static create(
    deployments: Iterable<DeliveryDeployment>,
    keyOf: (deployment: DeliveryDeployment) => string,
  ): DeploymentTimeline {
    const groups = new Map<string, Entry[]>();
    for (const deployment of deployments) {
      if (deployment.status !== 'success') {
        continue;
      }
      const entry = {
        deployment,
        finishedAtMs: deploymentFinishedAtMs(deployment),
      };
      const key = keyOf(deployment);
      const group = groups.get(key);
      if (group) {
        group.push(entry);
      } else {
        groups.set(key, [entry]);
      }
    }
    for (const group of groups.values()) {
      // Stable sort: deployments finishing at the same moment keep their input order.
      group.sort((a, b) => a.finishedAtMs - b.finishedAtMs);
    }
    return new DeploymentTimeline(groups);
  }

  /** The latest deployment of the group that finished strictly before `atMs`. */
  latestBefore(key: string, atMs: number): DeliveryDeployment | undefined {
    const group = this.groups.get(key) ?? [];
    return group[firstIndexAtOrAfter(group, atMs) - 1]?.deployment;
  }

  /** The first deployment of the group that finished strictly after `atMs`. */
  firstAfter(key: string, atMs: number): DeliveryDeployment | undefined {
    const group = this.groups.get(key) ?? [];
    let index = firstIndexAtOrAfter(group, atMs);
    while (index < group.length && group[index].finishedAtMs === atMs) {
      index++;
    }
    return group[index]?.deployment;
  }
}

/** Binary search: the index of the first entry finishing at or after `atMs`. */
function firstIndexAtOrAfter(group: Entry[], atMs: number): number {
  let low = 0;
  let high = group.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (group[middle].finishedAtMs < atMs) {
      low = middle + 1;
    } else {
      high = middle;
    }
  }
  return low;
}
