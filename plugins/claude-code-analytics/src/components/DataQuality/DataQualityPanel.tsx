import { useApi } from '@backstage/core-plugin-api';
import { Box, Typography } from '@material-ui/core';
import { Alert } from '@material-ui/lab';
import { DateTime } from 'luxon';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import {
  claudeCodeAnalyticsApiRef,
  StatusResponse,
  UnmappedIdentity,
} from '../../api';
import { AnalyticsPanel } from '../AnalyticsPanel';
import { csvFileName, DataColumn, DataTable } from '../DataTable';
import { formatAge, formatCount, formatSourceName } from '../format';
import { isSourceStale, lastDataAt } from './isSourceStale';
import { SourceStatusTable } from './SourceStatusTable';

const IDENTITY_COLUMNS: DataColumn<UnmappedIdentity>[] = [
  { id: 'identity', title: 'Identity', value: row => row.identity },
  {
    id: 'lastSource',
    title: 'Last source',
    value: row => row.lastSource,
    render: row => formatSourceName(row.lastSource),
  },
  { id: 'lastSeenAt', title: 'Last seen', value: row => row.lastSeenAt },
];

const REPOSITORY_COLUMNS: DataColumn<string>[] = [
  { id: 'repository', title: 'Repository', value: repository => repository },
];

function identityKey(row: UnmappedIdentity): string {
  return row.identity;
}

function repositoryKey(repository: string): string {
  return repository;
}

/** Warnings of sources that stopped delivering or failed last time. */
export function SourceWarnings(props: {
  status: StatusResponse;
  now?: DateTime;
}) {
  const { status, now = DateTime.utc() } = props;
  const stale = status.sources.filter(source => isSourceStale(source, now));
  const failing = status.sources.filter(
    source =>
      source.lastErrorAt &&
      (!source.lastSuccessAt || source.lastErrorAt > source.lastSuccessAt),
  );
  return (
    <>
      {stale.map(source => {
        const last = lastDataAt(source);
        return (
          <Alert key={`stale-${source.source}`} severity="warning">
            {formatSourceName(source.source)} is stale:{' '}
            {last
              ? `no data for ${formatAge(last, now).replace(' ago', '')}`
              : 'no data yet'}
            . Numbers of recent days may be incomplete.
          </Alert>
        );
      })}
      {failing.map(source => (
        <Alert key={`error-${source.source}`} severity="error">
          {formatSourceName(source.source)} failed
          {source.lastErrorAt
            ? ` ${formatAge(source.lastErrorAt, now)}`
            : ''}: {source.lastError ?? 'unknown error'}
        </Alert>
      ))}
    </>
  );
}

/**
 * What the numbers may be missing: stale or failing sources, usage identities that map to no
 * catalog User, repositories that map to no Component, and how usage without a repository is
 * attributed.
 */
/** Everything queued for the rollups: session sums, usage and delivery rollups. */
function countPending(status: StatusResponse): number {
  return Object.values(status.pendingRollups).reduce((a, b) => a + b, 0);
}

export function DataQualityPanel() {
  const analyticsApi = useApi(claudeCodeAnalyticsApiRef);
  const state = useAsyncRetry(() => analyticsApi.getStatus(), [analyticsApi]);
  return (
    <AnalyticsPanel title="Data quality" state={state}>
      {status => (
        <Box display="flex" flexDirection="column" gridGap={16}>
          <SourceWarnings status={status} />
          <SourceStatusTable sources={status.sources} />
          <Typography variant="body2" color="textSecondary">
            {formatCount(status.catalog.mappedIdentities)} identities map to
            catalog Users; the catalog has{' '}
            {formatCount(status.catalog.entities)} entities.
            {countPending(status) > 0 &&
              ` ${formatCount(
                countPending(status),
              )} daily rollups are waiting to be recomputed.`}
          </Typography>
          <Typography variant="h6" component="h3">
            Identities without a catalog User
          </Typography>
          <Typography variant="body2" color="textSecondary">
            Their usage is kept but counts for no team. Add the identity to the
            User&apos;s profile email, its github.com/user-login annotation or
            its list of extra identities.
          </Typography>
          <DataTable
            title="Identities without a catalog User"
            fileName={csvFileName('claude-code-unmapped-identities')}
            rows={status.unmappedIdentities}
            columns={IDENTITY_COLUMNS}
            rowKey={identityKey}
            emptyMessage="Every identity maps to a catalog User."
          />
          <Typography variant="h6" component="h3">
            Repositories without a catalog Component
          </Typography>
          <Typography variant="body2" color="textSecondary">
            Add a github.com/project-slug annotation to the Component of each
            repository.
          </Typography>
          <DataTable
            title="Repositories without a catalog Component"
            fileName={csvFileName('claude-code-unmapped-repositories')}
            rows={status.unmappedRepositories}
            columns={REPOSITORY_COLUMNS}
            rowKey={repositoryKey}
            emptyMessage="Every repository maps to a catalog Component."
          />
          <Typography variant="body2" color="textSecondary">
            Usage without a repository (sessions whose source does not name one)
            is attributed to services by estimate: in proportion to each
            person&apos;s merged pull requests per repository in the period.
          </Typography>
        </Box>
      )}
    </AnalyticsPanel>
  );
}
