import { DeliveryMetrics } from 'backstage-plugin-claude-code-analytics-common';
import { Stat } from '../StatList';
import { compareToPrevious } from './compareToPrevious';
import { DoraMetric } from './doraMetrics';
import { PeriodChangeLine } from './PeriodChangeLine';
import { TierBadge } from './TierBadge';

/** Props of {@link DoraMetricStat}. */
export type DoraMetricStatProps = {
  metric: DoraMetric;
  current: DeliveryMetrics;
  previous: DeliveryMetrics & { from: string; to: string };
};

/**
 * One DORA metric of the period: its value (a dash that says why when there is no sample), what it
 * stands on, its tier and its change against the previous period.
 */
export function DoraMetricStat(props: DoraMetricStatProps) {
  const { metric, current, previous } = props;
  const value = metric.value(current);
  if (value === undefined) {
    return (
      <Stat
        label={metric.label}
        value="—"
        exactValue={metric.noData}
        detail={metric.sample(current)}
      />
    );
  }
  const tier = metric.tier?.(current);
  const previousValue = metric.value(previous);
  const previousPeriod = `${previous.from} to ${previous.to}: ${
    previousValue === undefined ? 'no data' : metric.format(previousValue)
  }`;
  return (
    <Stat
      label={metric.label}
      value={metric.format(value)}
      exactValue={metric.explain(current)}
      detail={metric.sample(current)}
    >
      {tier && metric.tierSource && (
        <TierBadge tier={tier} source={metric.tierSource} />
      )}
      <PeriodChangeLine
        change={compareToPrevious(value, previousValue, metric.better)}
        formatDifference={metric.formatDifference}
        previous={previousPeriod}
      />
    </Stat>
  );
}
