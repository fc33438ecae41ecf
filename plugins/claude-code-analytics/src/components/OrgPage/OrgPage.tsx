import { useApi } from '@backstage/core-plugin-api';
import { Box, Grid } from '@material-ui/core';
import { useMemo } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { claudeCodeAnalyticsApiRef } from '../../api';
import { AnalyticsPanel } from '../AnalyticsPanel';
import { SourceStatusTable, SourceWarnings } from '../DataQuality';
import { PeriodPicker, usePeriod } from '../PeriodPicker';
import { AdoptionCohortsTable } from './AdoptionCohortsTable';
import { GroupsTable } from './GroupsTable';
import { OrgTrendsPanel, rootGroup } from './OrgTrendsPanel';

/**
 * Props of {@link OrgPage}.
 *
 * @public
 */
export type OrgPageProps = {
  /** Length of the period shown before the viewer picks one, in full UTC days. Defaults to 30. */
  defaultDays?: number;
};

/**
 * The organisation's Claude Code page: a period picker kept in the URL, org-wide adoption and
 * spend trends, every group side by side (sortable, filterable, exportable), teams in adoption
 * cohorts with their delivery, and the status of the sources.
 *
 * @public
 */
export function OrgPage(props: OrgPageProps) {
  const { defaultDays = 30 } = props;
  const analyticsApi = useApi(claudeCodeAnalyticsApiRef);
  const { range: period, error, setRange } = usePeriod(defaultDays);
  const range = useMemo(
    () => ({ from: period.from, to: period.to }),
    [period.from, period.to],
  );
  const groups = useAsyncRetry(
    () => analyticsApi.getGroups(range),
    [analyticsApi, range],
  );
  const status = useAsyncRetry(() => analyticsApi.getStatus(), [analyticsApi]);
  const root = groups.value && rootGroup(groups.value.items);

  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <PeriodPicker range={range} onChange={setRange} error={error} />
      </Grid>
      {root && (
        <Grid item xs={12}>
          <OrgTrendsPanel root={root} range={range} />
        </Grid>
      )}
      <Grid item xs={12}>
        <AnalyticsPanel title="Groups" state={groups}>
          {list => <GroupsTable groups={list.items} range={range} />}
        </AnalyticsPanel>
      </Grid>
      <Grid item xs={12}>
        <AnalyticsPanel title="Adoption cohorts" state={groups}>
          {list => <AdoptionCohortsTable groups={list.items} range={range} />}
        </AnalyticsPanel>
      </Grid>
      <Grid item xs={12}>
        <AnalyticsPanel title="Sources" state={status}>
          {value => (
            <Box display="flex" flexDirection="column" gridGap={8}>
              <SourceWarnings status={value} />
              <SourceStatusTable sources={value.sources} />
            </Box>
          )}
        </AnalyticsPanel>
      </Grid>
    </Grid>
  );
}
