import { apportion } from './apportion';
import {
  UsageVector,
  addUsageVector,
  emptyUsageVector,
  flattenUsageVector,
  unflattenUsageVector,
} from './UsageVector';

/** A share of one user-day's usage that belongs to one component. */
export type ComponentShare = {
  componentRef: string;
  attribution: 'exact' | 'estimated';
  usage: UsageVector;
};

function split(
  usage: UsageVector,
  weights: Array<[string, number]>,
): Map<string, UsageVector> {
  const flat = flattenUsageVector(usage);
  const perComponent = weights.map(() => new Map<string, number>());
  for (const [key, value] of flat) {
    const parts = apportion(
      value,
      weights.map(([, w]) => w),
    );
    parts.forEach((part, i) => perComponent[i].set(key, part));
  }
  return new Map(
    weights.map(([ref], i) => [ref, unflattenUsageVector(perComponent[i])]),
  );
}

/**
 * Attributes one user-day's usage to components.
 *
 * Usage that names a repository goes exactly to the components of that repository (split evenly
 * when several components share it). The rest is estimated: apportioned by the user's merged pull
 * requests per component around that day. Usage with neither stays on the user only.
 *
 * @param usageByRepository - reconciled usage by repository ('' when unknown)
 * @param componentsOfRepository - components per repository slug
 * @param pullRequestWeights - merged pull requests of the user per component in the window
 */
export function attributeUsage(
  usageByRepository: Map<string, UsageVector>,
  componentsOfRepository: (repository: string) => string[],
  pullRequestWeights: Map<string, number>,
): ComponentShare[] {
  const exact = new Map<string, UsageVector>();
  const unattributed = emptyUsageVector();
  for (const [repository, usage] of usageByRepository) {
    const components = repository
      ? [...componentsOfRepository(repository)].sort()
      : [];
    if (components.length === 0) {
      addUsageVector(unattributed, usage);
      continue;
    }
    const shares = split(
      usage,
      components.map(ref => [ref, 1]),
    );
    for (const [ref, share] of shares) {
      const target = exact.get(ref) ?? emptyUsageVector();
      addUsageVector(target, share);
      exact.set(ref, target);
    }
  }

  const result: ComponentShare[] = [...exact].map(([componentRef, usage]) => ({
    componentRef,
    attribution: 'exact',
    usage,
  }));

  const weights = [...pullRequestWeights]
    .filter(([, weight]) => weight > 0)
    .sort(([a], [b]) => a.localeCompare(b));
  if (weights.length > 0) {
    for (const [componentRef, usage] of split(unattributed, weights)) {
      result.push({ componentRef, attribution: 'estimated', usage });
    }
  }
  return result;
}
