import { DateTime } from 'luxon';
import { useMemo } from 'react';
import { SourceStatus } from '../../api';
import { csvFileName, DataColumn, DataTable } from '../DataTable';
import {
  formatAge,
  formatCount,
  formatExactCount,
  formatSourceName,
} from '../format';
import { isSourceStale, lastDataAt } from './isSourceStale';

function age(timestamp: string | undefined, now: DateTime): string {
  return timestamp ? formatAge(timestamp, now) : '–';
}

function sourceColumns(now: DateTime): DataColumn<SourceStatus>[] {
  return [
    {
      id: 'source',
      title: 'Source',
      value: source => source.source,
      render: source => formatSourceName(source.source),
    },
    {
      id: 'lastReceivedAt',
      title: 'Last data',
      value: source => source.lastReceivedAt,
      render: source =>
        `${age(lastDataAt(source), now)}${
          isSourceStale(source, now) ? ' (stale)' : ''
        }`,
    },
    {
      id: 'lastSuccessAt',
      title: 'Last success',
      value: source => source.lastSuccessAt,
      render: source => age(source.lastSuccessAt, now),
    },
    {
      id: 'lastErrorAt',
      title: 'Last error',
      value: source => source.lastErrorAt,
      render: source =>
        source.lastErrorAt
          ? `${age(source.lastErrorAt, now)}: ${source.lastError ?? ''}`
          : '–',
    },
    {
      id: 'lastError',
      title: 'Last error message',
      value: source => source.lastError,
      exportOnly: true,
    },
    {
      id: 'rows',
      title: 'Rows',
      numeric: true,
      value: source => source.rows,
      render: source => (
        <span title={formatExactCount(source.rows)}>
          {formatCount(source.rows)}
        </span>
      ),
    },
  ];
}

function rowKey(source: SourceStatus): string {
  return source.source;
}

/** Props of {@link SourceStatusTable}. */
export type SourceStatusTableProps = {
  sources: SourceStatus[];
  /** The reference time of the ages; now by default. */
  now?: DateTime;
};

/** Every source with the age of its last data, last success and last error, and its rows. */
export function SourceStatusTable(props: SourceStatusTableProps) {
  const { sources, now } = props;
  const columns = useMemo(() => sourceColumns(now ?? DateTime.utc()), [now]);
  return (
    <DataTable
      title="Sources"
      fileName={csvFileName('claude-code-sources')}
      rows={sources}
      columns={columns}
      rowKey={rowKey}
      emptyMessage="No source has delivered data yet. Point Claude Code's OpenTelemetry (OTLP) exporter at /api/claude-code-analytics/otlp, configure the Claude Code Analytics Admin API, or run the collector on developer machines."
    />
  );
}
