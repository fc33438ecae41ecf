import { CostResponse } from 'backstage-plugin-claude-code-analytics-common';

/**
 * A cost response of a team with usage, as the backend answers it: two priced models and one
 * model without a price, merged pull requests but no deployments.
 */
export const costResponse: CostResponse = {
  entityRef: 'group:default/team-a',
  from: '2025-01-01',
  to: '2025-01-03',
  costUsd: 3412.57,
  tokens: {
    input: 1_390_000,
    output: 952_500,
    cacheRead: 42_000_000,
    cacheCreation: 2_400_000,
  },
  cacheHitRate: 42_000_000 / (1_390_000 + 42_000_000 + 2_400_000),
  unpricedTokens: 52_500,
  byModel: [
    {
      model: 'claude-sonnet-4-5',
      costUsd: 2890.25,
      tokens: {
        input: 1_200_000,
        output: 850_000,
        cacheRead: 38_000_000,
        cacheCreation: 2_100_000,
      },
      unpriced: false,
    },
    {
      model: 'claude-opus-4-1',
      costUsd: 522.32,
      tokens: {
        input: 150_000,
        output: 90_000,
        cacheRead: 4_000_000,
        cacheCreation: 300_000,
      },
      unpriced: false,
    },
    {
      model: 'in-house-finetune',
      costUsd: 0,
      tokens: { input: 40_000, output: 12_500, cacheRead: 0, cacheCreation: 0 },
      unpriced: true,
    },
  ],
  daily: [
    { date: '2025-01-01', costUsd: 1100 },
    { date: '2025-01-02', costUsd: 1250.32 },
    { date: '2025-01-03', costUsd: 1062.25 },
  ],
  activeUsers: 12,
  costPerActiveUser: 3412.57 / 12,
  mergedPullRequests: 34,
  costPerMergedPullRequest: 3412.57 / 34,
  deployments: 0,
  costPerDeployment: undefined,
  monthToDateUsd: 3412.57,
  monthEndProjectionUsd: (3412.57 / 3) * 31,
  suppressed: false,
};
