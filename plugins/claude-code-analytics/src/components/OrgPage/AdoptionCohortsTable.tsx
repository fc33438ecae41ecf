import { Typography } from '@material-ui/core';
import { EntitySummary } from 'backstage-plugin-claude-code-analytics-common';
import { useMemo } from 'react';
import { csvFileName, DataColumn, DataTable } from '../DataTable';
import { summaryName } from '../EntitySummaryTable';
import {
  formatCount,
  formatHours,
  formatPercent,
  formatPerWeek,
  formatUsd,
} from '../format';
import { AdoptionCohort, adoptionCohorts } from './adoptionCohorts';

function optional(
  value: number | undefined,
  format: (value: number) => string,
): string {
  return value === undefined ? '–' : format(value);
}

const COLUMNS: DataColumn<AdoptionCohort>[] = [
  { id: 'label', title: 'Adoption', value: c => c.label, sortable: false },
  {
    id: 'teams',
    title: 'Teams',
    value: c => c.teams.map(summaryName).join('; '),
    render: c =>
      `${c.teams.length}${
        c.teams.length ? `: ${c.teams.map(summaryName).join(', ')}` : ''
      }`,
    sortable: false,
  },
  {
    id: 'members',
    title: 'Members',
    numeric: true,
    value: c => c.members,
    render: c => formatCount(c.members),
  },
  {
    id: 'activeUsers',
    title: 'Active',
    numeric: true,
    value: c => c.activeUsers,
    render: c => formatCount(c.activeUsers),
  },
  {
    id: 'costUsd',
    title: 'Spend (USD)',
    numeric: true,
    value: c => c.costUsd,
    render: c => formatUsd(c.costUsd),
  },
  {
    id: 'costPerMergedPullRequest',
    title: 'Cost per merged PR (USD)',
    numeric: true,
    value: c => c.costPerMergedPullRequest,
    render: c => optional(c.costPerMergedPullRequest, formatUsd),
  },
  {
    id: 'medianDeploymentsPerWeek',
    title: 'Deployments per week (median)',
    numeric: true,
    value: c => c.medianDeploymentsPerWeek,
    render: c => optional(c.medianDeploymentsPerWeek, formatPerWeek),
  },
  {
    id: 'medianLeadTimeHours',
    title: 'Lead time (hours, median)',
    numeric: true,
    value: c => c.medianLeadTimeHours,
    render: c => optional(c.medianLeadTimeHours, formatHours),
  },
  {
    id: 'medianChangeFailureRate',
    title: 'Change failure rate (median)',
    numeric: true,
    value: c => c.medianChangeFailureRate,
    render: c => optional(c.medianChangeFailureRate, formatPercent),
  },
];

function rowKey(cohort: AdoptionCohort): string {
  return cohort.label;
}

/** Props of {@link AdoptionCohortsTable}. */
export type AdoptionCohortsTableProps = {
  groups: readonly EntitySummary[];
  range: { from: string; to: string };
};

/** Teams grouped by adoption level, each cohort with its spend and typical delivery. */
export function AdoptionCohortsTable(props: AdoptionCohortsTableProps) {
  const { groups, range } = props;
  const { cohorts, suppressedTeams } = useMemo(
    () => adoptionCohorts(groups),
    [groups],
  );
  return (
    <>
      <DataTable
        title="Adoption cohorts"
        fileName={csvFileName('claude-code-adoption-cohorts', range)}
        rows={cohorts}
        columns={COLUMNS}
        rowKey={rowKey}
        emptyMessage="No teams."
      />
      <Typography variant="caption" color="textSecondary" component="p">
        Teams are the groups without sub-groups. Spend and cost per merged PR
        are pooled over a cohort&apos;s teams; delivery numbers are the median
        team&apos;s.
        {suppressedTeams > 0 &&
          ` ${suppressedTeams} ${
            suppressedTeams === 1 ? 'team is' : 'teams are'
          } hidden for privacy and in no cohort.`}
      </Typography>
    </>
  );
}
