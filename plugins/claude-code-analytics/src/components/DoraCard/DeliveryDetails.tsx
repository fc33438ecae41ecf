import { Box, Typography } from '@material-ui/core';
import { DeliveryResponse } from 'backstage-plugin-claude-code-analytics-common';
import { formatCount } from '../format';
import { StatList } from '../StatList';
import { AiAssistedSplit } from './AiAssistedSplit';
import { CycleTimeBreakdown } from './CycleTimeBreakdown';
import { DORA_METRICS } from './doraMetrics';
import { DoraMetricStat } from './DoraMetricStat';

/** Props of {@link DeliveryDetails}. */
export type DeliveryDetailsProps = {
  delivery: DeliveryResponse;
};

/**
 * The DORA metrics with tiers and change, the PR cycle time breakdown and the AI-assisted vs other
 * split of a delivery response with data.
 */
export function DeliveryDetails(props: DeliveryDetailsProps) {
  const { delivery } = props;
  return (
    <Box display="flex" flexDirection="column" gridGap={16}>
      <Typography variant="body2" color="textSecondary">
        {formatCount(delivery.componentsWithData)} of{' '}
        {formatCount(delivery.components)}{' '}
        {delivery.components === 1 ? 'component' : 'components'} with delivery
        data · {formatCount(delivery.mergedPullRequests)} merged PRs,{' '}
        {formatCount(delivery.aiAssistedPullRequests)} AI-assisted · changes
        against {delivery.previous.from} to {delivery.previous.to}
      </Typography>
      <StatList label="DORA metrics">
        {DORA_METRICS.map(metric => (
          <DoraMetricStat
            key={metric.label}
            metric={metric}
            current={delivery}
            previous={delivery.previous}
          />
        ))}
      </StatList>
      <CycleTimeBreakdown metrics={delivery} />
      <AiAssistedSplit split={delivery.split} />
    </Box>
  );
}
