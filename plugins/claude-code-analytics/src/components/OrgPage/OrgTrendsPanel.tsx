import { useApi } from '@backstage/core-plugin-api';
import { Grid, Typography } from '@material-ui/core';
import { EntitySummary } from 'backstage-plugin-claude-code-analytics-common';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { claudeCodeAnalyticsApiRef } from '../../api';
import { AdoptionTrendChart } from '../AdoptionCard/AdoptionTrendChart';
import { AnalyticsPanel } from '../AnalyticsPanel';
import { CostTrendChart } from '../CostCard/CostTrendChart';
import { summaryName } from '../EntitySummaryTable';
import { formatPercent, formatUsd } from '../format';
import { useMinimumGroupSize } from '../useMinimumGroupSize';

/**
 * The organisation's root group: the group without a parent; with several, the one with most
 * members.
 */
export function rootGroup(
  groups: readonly EntitySummary[],
): EntitySummary | undefined {
  return groups
    .filter(group => !group.parentRef)
    .reduce<EntitySummary | undefined>(
      (root, group) => (!root || group.members > root.members ? group : root),
      undefined,
    );
}

/** Props of {@link OrgTrendsPanel}. */
export type OrgTrendsPanelProps = {
  root: EntitySummary;
  range: { from: string; to: string };
};

/** Org-wide daily active users, sessions and spend: the trends of the root group. */
export function OrgTrendsPanel(props: OrgTrendsPanelProps) {
  const { root, range } = props;
  const analyticsApi = useApi(claudeCodeAnalyticsApiRef);
  const minimumGroupSize = useMinimumGroupSize();
  const state = useAsyncRetry(async () => {
    const request = { entityRef: root.entityRef, ...range };
    const [adoption, cost] = await Promise.all([
      analyticsApi.getAdoption(request),
      analyticsApi.getCost(request),
    ]);
    return { adoption, cost };
  }, [analyticsApi, root.entityRef, range.from, range.to]);
  return (
    <AnalyticsPanel
      title={`Adoption and spend of ${summaryName(root)}`}
      state={state}
    >
      {({ adoption, cost }) =>
        adoption.suppressed || cost.suppressed ? (
          <Typography variant="body1">
            Hidden for privacy: fewer than {minimumGroupSize} active people in
            this period.
          </Typography>
        ) : (
          <Grid container spacing={2}>
            <Grid item xs={12} md={6}>
              <Typography variant="subtitle2" component="h3">
                {adoption.activeUsers} of {adoption.members} people active (
                {formatPercent(adoption.adoptionRate)} adoption)
              </Typography>
              <AdoptionTrendChart daily={adoption.daily} height={200} />
            </Grid>
            <Grid item xs={12} md={6}>
              <Typography variant="subtitle2" component="h3">
                {formatUsd(cost.costUsd)} spent
              </Typography>
              <CostTrendChart daily={cost.daily} height={200} />
            </Grid>
          </Grid>
        )
      }
    </AnalyticsPanel>
  );
}
