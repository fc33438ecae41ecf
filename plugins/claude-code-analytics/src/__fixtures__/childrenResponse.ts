import {
  EntitySummary,
  EntitySummaryList,
} from 'backstage-plugin-claude-code-analytics-common';

/** A sub-team with usage and delivery; the other fields are overridden per case. */
export function entitySummary(
  overrides: Partial<EntitySummary> & Pick<EntitySummary, 'entityRef'>,
): EntitySummary {
  return {
    kind: 'group',
    members: 10,
    activeUsers: 5,
    adoptionRate: 0.5,
    sessions: 300,
    costUsd: 1000,
    mergedPullRequests: 40,
    aiAssistedPullRequests: 12,
    costPerMergedPullRequest: 25,
    deployments: 20,
    deploymentFrequency: { perWeek: 4.67, tier: 'high' },
    leadTime: { medianHours: 30, tier: 'high' },
    changeFailureRate: { value: 0.1, tier: 'elite' },
    recoveryTime: { medianHours: 2, tier: 'high' },
    suppressed: false,
    ...overrides,
  };
}

/** The direct sub-groups of `group:default/platform`: two with usage, one suppressed. */
export const childrenResponse: EntitySummaryList = {
  from: '2024-12-05',
  to: '2025-01-03',
  items: [
    entitySummary({
      entityRef: 'group:default/team-a',
      title: 'Team A',
      parentRef: 'group:default/platform',
      type: 'team',
      members: 12,
      activeUsers: 9,
      adoptionRate: 0.75,
      sessions: 1234,
      costUsd: 3456.789,
      mergedPullRequests: 61,
      costPerMergedPullRequest: 56.6687,
      leadTime: { medianHours: 20.5, tier: 'high' },
    }),
    entitySummary({
      entityRef: 'group:default/team-b',
      title: 'Team B',
      parentRef: 'group:default/platform',
      type: 'team',
      members: 8,
      activeUsers: 2,
      adoptionRate: 0.25,
      sessions: 80,
      costUsd: 120.5,
      mergedPullRequests: 0,
      costPerMergedPullRequest: undefined,
      deploymentFrequency: { perWeek: 0.5, tier: 'medium' },
      leadTime: { medianHours: 200, tier: 'medium' },
      changeFailureRate: { value: 0.3, tier: 'low' },
      recoveryTime: {},
    }),
    entitySummary({
      entityRef: 'group:default/team-c',
      parentRef: 'group:default/platform',
      type: 'team',
      members: 3,
      activeUsers: 0,
      adoptionRate: 0,
      sessions: 0,
      costUsd: 0,
      costPerMergedPullRequest: undefined,
      suppressed: true,
    }),
  ],
};
