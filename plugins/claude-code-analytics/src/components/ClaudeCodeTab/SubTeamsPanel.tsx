import { useApi } from '@backstage/core-plugin-api';
import { Typography } from '@material-ui/core';
import { EntitySummary } from 'backstage-plugin-claude-code-analytics-common';
import { useMemo } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { claudeCodeAnalyticsApiRef } from '../../api';
import { AnalyticsPanel } from '../AnalyticsPanel';
import { csvFileName, DataTable } from '../DataTable';
import { entitySummaryColumns } from '../EntitySummaryTable';
import { useMinimumGroupSize } from '../useMinimumGroupSize';

/** Props of {@link SubTeamsPanel}. */
export type SubTeamsPanelProps = {
  /** The group, e.g. `group:default/platform`. */
  entityRef: string;
  entityName: string;
  range: { from: string; to: string };
};

function rowKey(summary: EntitySummary): string {
  return summary.entityRef;
}

/** The direct sub-groups of a group side by side: adoption, spend, cost per merged PR, DORA. */
export function SubTeamsPanel(props: SubTeamsPanelProps) {
  const { entityRef, entityName, range } = props;
  const analyticsApi = useApi(claudeCodeAnalyticsApiRef);
  const minimumGroupSize = useMinimumGroupSize();
  const state = useAsyncRetry(
    () => analyticsApi.getChildren({ entityRef, ...range }),
    [analyticsApi, entityRef, range.from, range.to],
  );
  const columns = useMemo(
    () => entitySummaryColumns({ nameTitle: 'Team' }),
    [],
  );
  return (
    <AnalyticsPanel title="Sub-teams" state={state}>
      {children => (
        <>
          <DataTable
            title="Sub-teams"
            fileName={csvFileName(`${entityName}-sub-teams`, range)}
            rows={children.items}
            columns={columns}
            rowKey={rowKey}
            initialSort={{ columnId: 'adoptionRate', direction: 'desc' }}
            emptyMessage={`${entityName} has no sub-teams in the catalog.`}
          />
          {children.items.some(item => item.suppressed) && (
            <Typography variant="caption" color="textSecondary" component="p">
              Usage of teams with fewer than {minimumGroupSize} active people is
              hidden for privacy; their delivery numbers are shown.
            </Typography>
          )}
        </>
      )}
    </AnalyticsPanel>
  );
}
