import { Box } from '@material-ui/core';
import { CostResponse } from 'backstage-plugin-claude-code-analytics-common';
import { DateTime } from 'luxon';
import { formatCount, formatExactUsd, formatUsd } from '../format';
import { Stat, StatList } from '../StatList';
import { CostTrendChart } from './CostTrendChart';
import { ModelCostTable } from './ModelCostTable';
import { TokensByType } from './TokensByType';
import { totalTokens } from './totalTokens';
import { UnitCostStat } from './UnitCostStat';
import { UnpricedTokensWarning } from './UnpricedTokensWarning';

/** Props of {@link CostDetails}. */
export type CostDetailsProps = {
  cost: CostResponse;
};

/** The numbers, trend and breakdowns of a cost response that has usage and is not suppressed. */
export function CostDetails(props: CostDetailsProps) {
  const { cost } = props;
  const periodEnd = DateTime.fromISO(cost.to, { zone: 'utc' });
  const monthToDate =
    periodEnd.day === 1
      ? periodEnd.toFormat('d LLL yyyy')
      : `1–${periodEnd.toFormat('d LLL yyyy')}`;
  return (
    <Box display="flex" flexDirection="column" gridGap={16}>
      <StatList label="Claude Code cost numbers">
        <Stat
          label="Spend"
          value={formatUsd(cost.costUsd)}
          exactValue={formatExactUsd(cost.costUsd)}
          detail={`${formatCount(totalTokens(cost.tokens))} tokens`}
        />
        <Stat
          label="Month to date"
          value={formatUsd(cost.monthToDateUsd)}
          exactValue={formatExactUsd(cost.monthToDateUsd)}
          detail={monthToDate}
        />
        <Stat
          label="Month-end projection"
          value={formatUsd(cost.monthEndProjectionUsd)}
          exactValue={`${formatExactUsd(
            cost.monthEndProjectionUsd,
          )}: the month's spend so far at its average daily rate`}
          detail={`All of ${periodEnd.toFormat('LLL yyyy')}`}
        />
        <UnitCostStat
          label="Per active user"
          costPerUnit={cost.costPerActiveUser}
          count={cost.activeUsers}
          unit={{ one: 'active user', other: 'active users' }}
        />
        <UnitCostStat
          label="Per merged PR"
          costPerUnit={cost.costPerMergedPullRequest}
          count={cost.mergedPullRequests}
          unit={{ one: 'merged PR', other: 'merged PRs' }}
        />
        <UnitCostStat
          label="Per deployment"
          costPerUnit={cost.costPerDeployment}
          count={cost.deployments}
          unit={{ one: 'deployment', other: 'deployments' }}
        />
      </StatList>
      {cost.unpricedTokens > 0 && (
        <UnpricedTokensWarning unpricedTokens={cost.unpricedTokens} />
      )}
      {cost.daily.length > 1 && <CostTrendChart daily={cost.daily} />}
      <ModelCostTable byModel={cost.byModel} />
      <TokensByType tokens={cost.tokens} cacheHitRate={cost.cacheHitRate} />
    </Box>
  );
}
