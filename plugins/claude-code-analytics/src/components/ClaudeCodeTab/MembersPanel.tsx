import { parseEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import { Typography } from '@material-ui/core';
import { MemberUsage } from 'backstage-plugin-claude-code-analytics-common';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { claudeCodeAnalyticsApiRef } from '../../api';
import { AnalyticsPanel } from '../AnalyticsPanel';
import { csvFileName, DataColumn, DataTable } from '../DataTable';
import {
  formatCount,
  formatExactCount,
  formatExactUsd,
  formatUsd,
} from '../format';

/** Props of {@link MembersPanel}. */
export type MembersPanelProps = {
  /** The group, e.g. `group:default/team-a`. */
  entityRef: string;
  entityName: string;
  range: { from: string; to: string };
};

function count(value: (member: MemberUsage) => number) {
  return (member: MemberUsage) => (
    <span title={formatExactCount(value(member))}>
      {formatCount(value(member))}
    </span>
  );
}

const COLUMNS: DataColumn<MemberUsage>[] = [
  {
    id: 'name',
    title: 'Person',
    value: member => member.title ?? parseEntityRef(member.userRef).name,
  },
  {
    id: 'userRef',
    title: 'User',
    value: member => member.userRef,
    exportOnly: true,
  },
  {
    id: 'activeDays',
    title: 'Active days',
    numeric: true,
    value: member => member.activeDays,
  },
  {
    id: 'sessions',
    title: 'Sessions',
    numeric: true,
    value: member => member.sessions,
    render: count(member => member.sessions),
  },
  {
    id: 'linesAdded',
    title: 'Lines added',
    numeric: true,
    value: member => member.linesAdded,
    render: count(member => member.linesAdded),
  },
  {
    id: 'linesRemoved',
    title: 'Lines removed',
    numeric: true,
    value: member => member.linesRemoved,
    render: count(member => member.linesRemoved),
  },
  {
    id: 'commitsByClaudeCode',
    title: 'Commits by Claude Code',
    numeric: true,
    value: member => member.commitsByClaudeCode,
    render: count(member => member.commitsByClaudeCode),
  },
  {
    id: 'pullRequestsByClaudeCode',
    title: 'PRs by Claude Code',
    numeric: true,
    value: member => member.pullRequestsByClaudeCode,
    render: count(member => member.pullRequestsByClaudeCode),
  },
  {
    id: 'costUsd',
    title: 'Spend (USD)',
    numeric: true,
    value: member => member.costUsd,
    render: member => (
      <span title={formatExactUsd(member.costUsd)}>
        {formatUsd(member.costUsd)}
      </span>
    ),
  },
];

function rowKey(member: MemberUsage): string {
  return member.userRef;
}

function renderForbidden() {
  return (
    <Typography variant="body1">
      Individual usage is visible only to people granted
      claude-code-analytics.individual.read
    </Typography>
  );
}

/** The usage of every member of a group, one row per person; only for permitted viewers. */
export function MembersPanel(props: MembersPanelProps) {
  const { entityRef, entityName, range } = props;
  const analyticsApi = useApi(claudeCodeAnalyticsApiRef);
  const state = useAsyncRetry(
    () => analyticsApi.getMembers({ entityRef, ...range }),
    [analyticsApi, entityRef, range.from, range.to],
  );
  return (
    <AnalyticsPanel
      title="Members"
      state={state}
      renderForbidden={renderForbidden}
    >
      {members => (
        <DataTable
          title="Members"
          fileName={csvFileName(`${entityName}-members`, range)}
          rows={members.items}
          columns={COLUMNS}
          rowKey={rowKey}
          initialSort={{ columnId: 'sessions', direction: 'desc' }}
          emptyMessage={`${entityName} has no members in the catalog.`}
        />
      )}
    </AnalyticsPanel>
  );
}
