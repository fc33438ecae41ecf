import { useApi } from '@backstage/core-plugin-api';
import { Typography } from '@material-ui/core';
import {
  AdoptionResponse,
  toolSuccessRate,
} from 'backstage-plugin-claude-code-analytics-common';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { claudeCodeAnalyticsApiRef } from '../../api';
import { AnalyticsPanel } from '../AnalyticsPanel';
import { csvFileName, DataColumn, DataTable } from '../DataTable';
import { formatCount, formatExactCount, formatPercent } from '../format';
import { useMinimumGroupSize } from '../useMinimumGroupSize';

/** How one tool's runs went in the period. */
type ToolResultRow = {
  tool: string;
  runs: number;
  succeeded: number;
  failed: number;
  successRate?: number;
};

function toolResultRows(adoption: AdoptionResponse): ToolResultRow[] {
  return Object.entries(adoption.toolResults ?? {}).map(([tool, counts]) => ({
    tool,
    runs: counts.succeeded + counts.failed,
    ...counts,
    successRate: toolSuccessRate(counts),
  }));
}

function countCell(value: number) {
  return <span title={formatExactCount(value)}>{formatCount(value)}</span>;
}

const COLUMNS: DataColumn<ToolResultRow>[] = [
  { id: 'tool', title: 'Tool', value: row => row.tool },
  ...(
    [
      ['runs', 'Runs'],
      ['succeeded', 'Succeeded'],
      ['failed', 'Failed'],
    ] as const
  ).map(
    ([key, title]): DataColumn<ToolResultRow> => ({
      id: key,
      title,
      numeric: true,
      value: row => row[key],
      render: row => countCell(row[key]),
    }),
  ),
  {
    id: 'successRate',
    title: 'Success rate',
    numeric: true,
    value: row => row.successRate,
    render: row =>
      row.successRate === undefined ? '–' : formatPercent(row.successRate),
  },
];

function rowKey(row: ToolResultRow): string {
  return row.tool;
}

/** Props of {@link ToolResultsPanel}. */
export type ToolResultsPanelProps = {
  entityRef: string;
  entityName: string;
  range: { from: string; to: string };
};

/**
 * How often each tool (Bash, Edit, MCP tools, ...) ran and succeeded, from Claude Code's
 * OpenTelemetry `tool_result` events, as a table to export.
 */
export function ToolResultsPanel(props: ToolResultsPanelProps) {
  const { entityRef, entityName, range } = props;
  const analyticsApi = useApi(claudeCodeAnalyticsApiRef);
  const minimumGroupSize = useMinimumGroupSize();
  const state = useAsyncRetry(
    () => analyticsApi.getAdoption({ entityRef, ...range }),
    [analyticsApi, entityRef, range.from, range.to],
  );
  return (
    <AnalyticsPanel title="Tool results" state={state}>
      {adoption =>
        adoption.suppressed ? (
          <Typography variant="body1">
            Hidden for privacy: fewer than {minimumGroupSize} active people in
            this period.
          </Typography>
        ) : (
          <DataTable
            title="Tool results"
            fileName={csvFileName(`${entityName}-tool-results`, range)}
            rows={toolResultRows(adoption)}
            columns={COLUMNS}
            rowKey={rowKey}
            initialSort={{ columnId: 'runs', direction: 'desc' }}
            emptyMessage="No tool results in this period. They come from Claude Code's OpenTelemetry events (OTEL_LOGS_EXPORTER=otlp)."
          />
        )
      }
    </AnalyticsPanel>
  );
}
