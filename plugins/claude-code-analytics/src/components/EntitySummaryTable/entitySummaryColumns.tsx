import { parseEntityRef } from '@backstage/catalog-model';
import { Typography } from '@material-ui/core';
import {
  DORA_TIERS,
  DoraTier,
  EntitySummary,
} from 'backstage-plugin-claude-code-analytics-common';
import { ReactNode } from 'react';
import { DataColumn } from '../DataTable';
import { TierLabel } from '../DoraCard/TierBadge';
import {
  formatCount,
  formatExactCount,
  formatExactUsd,
  formatHours,
  formatPercent,
  formatPerWeek,
  formatUsd,
} from '../format';

/** The name a summary row is shown by: its title, else the entity's name. */
export function summaryName(summary: EntitySummary): string {
  return summary.title ?? parseEntityRef(summary.entityRef).name;
}

const HIDDEN = (
  <Typography
    component="span"
    variant="body2"
    color="textSecondary"
    title="Hidden for privacy"
  >
    hidden
  </Typography>
);

/** A usage number of a suppressed row is zero in the API; the table says it is hidden instead. */
function usage(
  render: (summary: EntitySummary) => ReactNode,
): (summary: EntitySummary) => ReactNode {
  return summary => (summary.suppressed ? HIDDEN : render(summary));
}

function withTier(
  text: string | undefined,
  tier: DoraTier | undefined,
  source: string,
): ReactNode {
  if (text === undefined) {
    return '–';
  }
  return (
    <>
      {text} {tier && <TierLabel tier={tier} source={source} />}
    </>
  );
}

/**
 * The columns of a side-by-side table of groups (sub-teams, the org page), each shown compactly
 * and exported with the API's own number.
 */
export function entitySummaryColumns(options: {
  /** The heading of the name column: `Team`, `Group`. */
  nameTitle: string;
  /** Whether to show the group type (organisation, department, team, ...). */
  withType?: boolean;
}): DataColumn<EntitySummary>[] {
  const columns: DataColumn<EntitySummary>[] = [
    {
      id: 'name',
      title: options.nameTitle,
      value: summaryName,
      render: summary => (
        <>
          {summaryName(summary)}
          {summary.suppressed && (
            <Typography
              component="span"
              variant="caption"
              color="textSecondary"
              display="block"
            >
              Hidden for privacy
            </Typography>
          )}
        </>
      ),
    },
    {
      id: 'entityRef',
      title: 'Entity',
      value: summary => summary.entityRef,
      exportOnly: true,
    },
  ];
  if (options.withType) {
    columns.push({ id: 'type', title: 'Type', value: summary => summary.type });
  }
  columns.push(
    {
      id: 'adoptionRate',
      title: 'Adoption',
      numeric: true,
      value: summary => summary.adoptionRate,
      render: usage(summary => formatPercent(summary.adoptionRate)),
    },
    {
      id: 'activeUsers',
      title: 'Active',
      numeric: true,
      value: summary => summary.activeUsers,
      render: usage(summary => formatCount(summary.activeUsers)),
    },
    {
      id: 'members',
      title: 'Members',
      numeric: true,
      value: summary => summary.members,
      render: summary => formatCount(summary.members),
    },
    {
      id: 'sessions',
      title: 'Sessions',
      numeric: true,
      value: summary => summary.sessions,
      render: usage(summary => (
        <span title={formatExactCount(summary.sessions)}>
          {formatCount(summary.sessions)}
        </span>
      )),
    },
    {
      id: 'costUsd',
      title: 'Spend (USD)',
      numeric: true,
      value: summary => summary.costUsd,
      render: usage(summary => (
        <span title={formatExactUsd(summary.costUsd)}>
          {formatUsd(summary.costUsd)}
        </span>
      )),
    },
    {
      id: 'costPerMergedPullRequest',
      title: 'Cost per merged PR (USD)',
      numeric: true,
      value: summary => summary.costPerMergedPullRequest,
      render: usage(summary =>
        summary.costPerMergedPullRequest === undefined
          ? '–'
          : formatUsd(summary.costPerMergedPullRequest),
      ),
    },
    {
      id: 'mergedPullRequests',
      title: 'Merged PRs',
      numeric: true,
      value: summary => summary.mergedPullRequests,
      render: summary => formatCount(summary.mergedPullRequests),
    },
    {
      id: 'aiAssistedPullRequests',
      title: 'AI-assisted PRs',
      numeric: true,
      value: summary => summary.aiAssistedPullRequests,
      render: summary => formatCount(summary.aiAssistedPullRequests),
    },
    {
      id: 'deploymentFrequency',
      title: 'Deployments per week',
      numeric: true,
      value: summary => summary.deploymentFrequency.perWeek,
      render: summary =>
        withTier(
          formatPerWeek(summary.deploymentFrequency.perWeek).replace(
            ' per week',
            '',
          ),
          summary.deploymentFrequency.tier,
          DORA_TIERS.deploymentFrequency.source,
        ),
    },
    {
      id: 'deploymentFrequencyTier',
      title: 'Deployment frequency tier',
      value: summary => summary.deploymentFrequency.tier,
      exportOnly: true,
    },
    {
      id: 'leadTime',
      title: 'Lead time (hours, median)',
      numeric: true,
      value: summary => summary.leadTime.medianHours,
      render: summary =>
        withTier(
          summary.leadTime.medianHours === undefined
            ? undefined
            : formatHours(summary.leadTime.medianHours),
          summary.leadTime.tier,
          DORA_TIERS.leadTime.source,
        ),
    },
    {
      id: 'leadTimeTier',
      title: 'Lead time tier',
      value: summary => summary.leadTime.tier,
      exportOnly: true,
    },
    {
      id: 'changeFailureRate',
      title: 'Change failure rate',
      numeric: true,
      value: summary => summary.changeFailureRate.value,
      render: summary =>
        withTier(
          summary.changeFailureRate.value === undefined
            ? undefined
            : formatPercent(summary.changeFailureRate.value),
          summary.changeFailureRate.tier,
          DORA_TIERS.changeFailureRate.source,
        ),
    },
    {
      id: 'changeFailureRateTier',
      title: 'Change failure rate tier',
      value: summary => summary.changeFailureRate.tier,
      exportOnly: true,
    },
    {
      id: 'recoveryTime',
      title: 'Recovery time (hours, median)',
      numeric: true,
      value: summary => summary.recoveryTime.medianHours,
      render: summary =>
        withTier(
          summary.recoveryTime.medianHours === undefined
            ? undefined
            : formatHours(summary.recoveryTime.medianHours),
          summary.recoveryTime.tier,
          DORA_TIERS.recoveryTime.source,
        ),
    },
    {
      id: 'recoveryTimeTier',
      title: 'Recovery time tier',
      value: summary => summary.recoveryTime.tier,
      exportOnly: true,
    },
    {
      id: 'suppressed',
      title: 'Suppressed',
      value: summary => summary.suppressed,
      exportOnly: true,
    },
  );
  return columns;
}
