import type {
  AdoptionResponse,
  CostResponse,
  DeliveryResponse,
} from 'backstage-plugin-claude-code-analytics-common';
import {
  formatCount,
  formatDuration,
  formatHours,
  formatPercent,
  formatPerWeek,
  formatUsd,
} from '../../../plugins/claude-code-analytics/src/components/format';

/** One labelled number of a card as the UI must show it: its value and the line under it. */
export type ShownNumber = { label: string; value: string; detail?: string };

const NO_VALUE = '—';

function optional(
  value: number | undefined,
  format: (value: number) => string,
) {
  return value === undefined ? NO_VALUE : format(value);
}

function unitCost(
  label: string,
  costPerUnit: number | undefined,
  count: number,
  one: string,
  other: string,
): ShownNumber {
  return costPerUnit === undefined
    ? { label, value: NO_VALUE, detail: `No ${other}` }
    : {
        label,
        value: formatUsd(costPerUnit),
        detail: `${formatCount(count)} ${count === 1 ? one : other}`,
      };
}

/** What the adoption card shows for an adoption answer with usage. */
export function adoptionNumbers(adoption: AdoptionResponse): ShownNumber[] {
  const numbers: ShownNumber[] = [
    {
      label: 'Active users',
      value: `${formatCount(adoption.activeUsers)} of ${formatCount(
        adoption.members,
      )}`,
      detail: `${formatPercent(adoption.adoptionRate)} adoption`,
    },
    { label: 'Sessions', value: formatCount(adoption.sessions) },
    { label: 'Active time', value: formatDuration(adoption.activeSeconds) },
    { label: 'Lines added', value: formatCount(adoption.linesAdded) },
    { label: 'Lines removed', value: formatCount(adoption.linesRemoved) },
    {
      label: 'Commits by Claude Code',
      value: formatCount(adoption.commitsByClaudeCode),
    },
    {
      label: 'PRs by Claude Code',
      value: formatCount(adoption.pullRequestsByClaudeCode),
    },
  ];
  if (adoption.aiAssistedPullRequestShare !== undefined) {
    numbers.push({
      label: 'AI-assisted merged PRs',
      value: formatPercent(adoption.aiAssistedPullRequestShare),
    });
  }
  return numbers;
}

/** What the cost card shows for a cost answer with usage. */
export function costNumbers(cost: CostResponse): ShownNumber[] {
  const { input, output, cacheRead, cacheCreation } = cost.tokens;
  return [
    {
      label: 'Spend',
      value: formatUsd(cost.costUsd),
      detail: `${formatCount(
        input + output + cacheRead + cacheCreation,
      )} tokens`,
    },
    { label: 'Month to date', value: formatUsd(cost.monthToDateUsd) },
    {
      label: 'Month-end projection',
      value: formatUsd(cost.monthEndProjectionUsd),
    },
    unitCost(
      'Per active user',
      cost.costPerActiveUser,
      cost.activeUsers,
      'active user',
      'active users',
    ),
    unitCost(
      'Per merged PR',
      cost.costPerMergedPullRequest,
      cost.mergedPullRequests,
      'merged PR',
      'merged PRs',
    ),
    unitCost(
      'Per deployment',
      cost.costPerDeployment,
      cost.deployments,
      'deployment',
      'deployments',
    ),
  ];
}

function plural(count: number, one: string, other: string): string {
  return `${formatCount(count)} ${count === 1 ? one : other}`;
}

/** What the delivery (DORA) card shows for a delivery answer with data. */
export function deliveryNumbers(delivery: DeliveryResponse): ShownNumber[] {
  return [
    {
      label: 'Deployment frequency',
      value: formatPerWeek(delivery.deploymentFrequency.perWeek),
      detail: plural(delivery.deployments, 'deployment', 'deployments'),
    },
    {
      label: 'Change lead time',
      value: optional(delivery.leadTime.medianHours, formatHours),
      detail: `median of ${plural(
        delivery.samples.leadTime,
        'change',
        'changes',
      )}`,
    },
    {
      label: 'Change failure rate',
      value: optional(delivery.changeFailureRate.value, formatPercent),
      detail: `of ${plural(
        delivery.samples.changeFailureRate,
        'deployment',
        'deployments',
      )}`,
    },
    {
      label: 'Failed deployment recovery time',
      value: optional(delivery.recoveryTime.medianHours, formatHours),
      detail: `median of ${plural(
        delivery.samples.recoveryTime,
        'failure',
        'failures',
      )}`,
    },
    {
      label: 'Deployment rework rate',
      value: optional(delivery.reworkRate.value, formatPercent),
      detail: `of ${plural(delivery.deployments, 'deployment', 'deployments')}`,
    },
  ];
}

/** The summary line above the DORA metrics: pull requests merged in the period. */
export function deliverySummary(delivery: DeliveryResponse): string {
  return `${formatCount(delivery.mergedPullRequests)} merged PRs, ${formatCount(
    delivery.aiAssistedPullRequests,
  )} AI-assisted`;
}
