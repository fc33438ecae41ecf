import {
  DeliveryMetrics,
  DeliveryResponse,
} from 'backstage-plugin-claude-code-analytics-common';

const aiAssisted: DeliveryMetrics = {
  deployments: 20,
  mergedPullRequests: 18,
  deploymentFrequency: { perWeek: 20 / (30 / 7), tier: 'high' },
  leadTime: { medianHours: 20.4, p75Hours: 40, tier: 'elite' },
  changeFailureRate: { value: 0.05, tier: 'elite' },
  recoveryTime: { medianHours: 1.5, tier: 'high' },
  reworkRate: { value: 0.05 },
  cycleTime: {
    codingHours: 3,
    pickupHours: 2,
    reviewHours: 5,
    deployHours: 1,
    cycleHours: 14.5,
  },
  samples: {
    leadTime: 17,
    changeFailureRate: 20,
    recoveryTime: 1,
    cycleTime: 17,
  },
};

const other: DeliveryMetrics = {
  deployments: 25,
  mergedPullRequests: 30,
  deploymentFrequency: { perWeek: 25 / (30 / 7), tier: 'high' },
  leadTime: { medianHours: 74.4, p75Hours: 120, tier: 'high' },
  changeFailureRate: { value: 0.12, tier: 'medium' },
  recoveryTime: { medianHours: 5, tier: 'high' },
  reworkRate: { value: 0.08 },
  cycleTime: {
    codingHours: 30,
    pickupHours: 8,
    reviewHours: 12,
    deployHours: 2,
    cycleHours: 60,
  },
  samples: {
    leadTime: 28,
    changeFailureRate: 25,
    recoveryTime: 3,
    cycleTime: 29,
  },
};

/**
 * A delivery response of a team with three components, two of them with delivery data, as the
 * backend answers it: every metric with a sample in the current period, a previous period that
 * was slower at deploying but had fewer failures, and a comparable AI-assisted vs other split.
 */
export const deliveryResponse: DeliveryResponse = {
  entityRef: 'group:default/team-a',
  from: '2024-12-05',
  to: '2025-01-03',
  deployments: 45,
  mergedPullRequests: 48,
  aiAssistedPullRequests: 18,
  deploymentFrequency: { perWeek: 10.5, tier: 'high' },
  leadTime: { medianHours: 2.5, p75Hours: 30, tier: 'elite' },
  changeFailureRate: { value: 0.08, tier: 'high' },
  recoveryTime: { medianHours: 74.4, tier: 'low' },
  reworkRate: { value: 0.04 },
  cycleTime: {
    codingHours: 12,
    pickupHours: 4,
    reviewHours: 6,
    deployHours: 2,
    cycleHours: 30,
  },
  samples: {
    leadTime: 45,
    changeFailureRate: 45,
    recoveryTime: 4,
    cycleTime: 46,
  },
  split: { aiAssisted, other, comparable: true },
  previous: {
    from: '2024-11-05',
    to: '2024-12-04',
    deployments: 30,
    mergedPullRequests: 40,
    deploymentFrequency: { perWeek: 7, tier: 'high' },
    leadTime: { medianHours: 4, p75Hours: 36, tier: 'elite' },
    changeFailureRate: { value: 0.05, tier: 'elite' },
    recoveryTime: { medianHours: undefined, tier: undefined },
    reworkRate: { value: 0.04 },
    cycleTime: {
      codingHours: 14,
      pickupHours: 5,
      reviewHours: 6,
      deployHours: 2,
      cycleHours: 33,
    },
    samples: {
      leadTime: 30,
      changeFailureRate: 30,
      recoveryTime: 0,
      cycleTime: 38,
    },
  },
  components: 3,
  componentsWithData: 2,
};
