import {
  DeliveryMetrics,
  DORA_TIERS,
  DoraTier,
} from 'backstage-plugin-claude-code-analytics-common';
import {
  formatCount,
  formatHours,
  formatPercent,
  formatPercentagePoints,
  formatPerWeek,
} from '../format';
import { MetricDirection } from './compareToPrevious';

/** How the card shows one DORA metric of a {@link DeliveryMetrics}. */
export type DoraMetric = {
  label: string;
  better: MetricDirection;
  value: (metrics: DeliveryMetrics) => number | undefined;
  /** Undefined for a metric without DORA tiers (rework rate). */
  tier?: (metrics: DeliveryMetrics) => DoraTier | undefined;
  /** Which tier table the tier comes from, for the badge's tooltip: `DORA 2024`. */
  tierSource?: string;
  format: (value: number) => string;
  /** A difference between two periods, without sign. */
  formatDifference: (difference: number) => string;
  /** What the value stands on, under the value: `median of 45 changes`. */
  sample: (metrics: DeliveryMetrics) => string;
  /** The value in words, for its tooltip. */
  explain: (metrics: DeliveryMetrics) => string;
  /** Why there is no value, for the tooltip of the dash shown instead. */
  noData: string;
};

function plural(count: number, one: string, other: string): string {
  return `${formatCount(count)} ${count === 1 ? one : other}`;
}

/** The five DORA metrics in the order the card shows them. */
export const DORA_METRICS: DoraMetric[] = [
  {
    label: 'Deployment frequency',
    better: DORA_TIERS.deploymentFrequency.better,
    value: metrics => metrics.deploymentFrequency.perWeek,
    tier: metrics => metrics.deploymentFrequency.tier,
    tierSource: DORA_TIERS.deploymentFrequency.source,
    format: formatPerWeek,
    formatDifference: formatPerWeek,
    sample: metrics => plural(metrics.deployments, 'deployment', 'deployments'),
    explain: metrics =>
      `${metrics.deploymentFrequency.perWeek.toFixed(
        2,
      )} successful production deployments per week`,
    noData: 'Not enough data: no production deployments in this period',
  },
  {
    label: 'Change lead time',
    better: DORA_TIERS.leadTime.better,
    value: metrics => metrics.leadTime.medianHours,
    tier: metrics => metrics.leadTime.tier,
    tierSource: DORA_TIERS.leadTime.source,
    format: formatHours,
    formatDifference: formatHours,
    sample: metrics =>
      `median of ${plural(metrics.samples.leadTime, 'change', 'changes')}`,
    explain: metrics => {
      const { medianHours = 0, p75Hours } = metrics.leadTime;
      const p75 =
        p75Hours === undefined ? '' : `, p75 ${formatHours(p75Hours)}`;
      return `Median ${formatHours(
        medianHours,
      )}${p75} from first commit to running in production`;
    },
    noData: 'Not enough data: no changes reached production in this period',
  },
  {
    label: 'Change failure rate',
    better: DORA_TIERS.changeFailureRate.better,
    value: metrics => metrics.changeFailureRate.value,
    tier: metrics => metrics.changeFailureRate.tier,
    tierSource: DORA_TIERS.changeFailureRate.source,
    format: formatPercent,
    formatDifference: formatPercentagePoints,
    sample: metrics =>
      `of ${plural(
        metrics.samples.changeFailureRate,
        'deployment',
        'deployments',
      )}`,
    explain: metrics =>
      `${((metrics.changeFailureRate.value ?? 0) * 100).toFixed(
        1,
      )}% of production deployments needed immediate intervention`,
    noData: 'Not enough data: no production deployments in this period',
  },
  {
    label: 'Failed deployment recovery time',
    better: DORA_TIERS.recoveryTime.better,
    value: metrics => metrics.recoveryTime.medianHours,
    tier: metrics => metrics.recoveryTime.tier,
    tierSource: DORA_TIERS.recoveryTime.source,
    format: formatHours,
    formatDifference: formatHours,
    sample: metrics =>
      `median of ${plural(
        metrics.samples.recoveryTime,
        'failure',
        'failures',
      )}`,
    explain: metrics =>
      `Median ${formatHours(
        metrics.recoveryTime.medianHours ?? 0,
      )} from a failed deployment to recovery`,
    noData: 'Not enough data: no failed deployment recovered in this period',
  },
  {
    label: 'Deployment rework rate',
    // Rework is unplanned work to fix production, so less is better; DORA defines no tiers for it.
    better: 'lower',
    value: metrics => metrics.reworkRate.value,
    format: formatPercent,
    formatDifference: formatPercentagePoints,
    sample: metrics =>
      `of ${plural(metrics.deployments, 'deployment', 'deployments')}`,
    explain: metrics =>
      `${((metrics.reworkRate.value ?? 0) * 100).toFixed(
        1,
      )}% of deployments were unplanned, to fix a production problem`,
    noData: 'Not enough data: no production deployments in this period',
  },
];
