import { useApi } from '@backstage/core-plugin-api';
import { Box, useTheme } from '@material-ui/core';
import { DeliveryMetrics } from 'backstage-plugin-claude-code-analytics-common';
import {
  Bar,
  BarChart,
  Legend,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { claudeCodeAnalyticsApiRef } from '../../api';
import { AnalyticsPanel } from '../AnalyticsPanel';
import { csvFileName, DataColumn, DataTable } from '../DataTable';
import { DORA_METRICS } from '../DoraCard/doraMetrics';
import { formatCount, formatHours } from '../format';

/** One delivery metric in this period and the previous one of equal length. */
type MetricRow = {
  metric: string;
  current?: number;
  previous?: number;
  format: (value: number) => string;
};

const CYCLE_PHASES = [
  ['codingHours', 'Cycle time: coding (hours, median)'],
  ['pickupHours', 'Cycle time: pickup (hours, median)'],
  ['reviewHours', 'Cycle time: review (hours, median)'],
  ['deployHours', 'Cycle time: deploy (hours, median)'],
] as const;

function metricRows(
  current: DeliveryMetrics,
  previous: DeliveryMetrics,
): MetricRow[] {
  return [
    {
      metric: 'Deployments',
      current: current.deployments,
      previous: previous.deployments,
      format: formatCount,
    },
    {
      metric: 'Merged PRs',
      current: current.mergedPullRequests,
      previous: previous.mergedPullRequests,
      format: formatCount,
    },
    ...DORA_METRICS.map(metric => ({
      metric: metric.label,
      current: metric.value(current),
      previous: metric.value(previous),
      format: metric.format,
    })),
    ...CYCLE_PHASES.map(([key, label]) => ({
      metric: label,
      current: current.cycleTime[key],
      previous: previous.cycleTime[key],
      format: formatHours,
    })),
  ];
}

function formatted(row: MetricRow, value: number | undefined): string {
  return value === undefined ? '–' : row.format(value);
}

const COLUMNS: DataColumn<MetricRow>[] = [
  { id: 'metric', title: 'Metric', value: row => row.metric, sortable: false },
  {
    id: 'current',
    title: 'This period',
    numeric: true,
    sortable: false,
    value: row => row.current,
    render: row => formatted(row, row.current),
  },
  {
    id: 'previous',
    title: 'Previous period',
    numeric: true,
    sortable: false,
    value: row => row.previous,
    render: row => formatted(row, row.previous),
  },
];

function rowKey(row: MetricRow): string {
  return row.metric;
}

/** Props of {@link DeliveryComparisonPanel}. */
export type DeliveryComparisonPanelProps = {
  entityRef: string;
  entityName: string;
  range: { from: string; to: string };
};

/** The delivery numbers of this period beside those of the previous period of equal length. */
export function DeliveryComparisonPanel(props: DeliveryComparisonPanelProps) {
  const { entityRef, entityName, range } = props;
  const analyticsApi = useApi(claudeCodeAnalyticsApiRef);
  const theme = useTheme();
  const state = useAsyncRetry(
    () => analyticsApi.getDelivery({ entityRef, ...range }),
    [analyticsApi, entityRef, range.from, range.to],
  );
  return (
    <AnalyticsPanel title="Delivery against the previous period" state={state}>
      {delivery => {
        const chartData = [
          {
            name: 'Deployments',
            current: delivery.deployments,
            previous: delivery.previous.deployments,
          },
          {
            name: 'Merged PRs',
            current: delivery.mergedPullRequests,
            previous: delivery.previous.mergedPullRequests,
          },
        ];
        return (
          <Box display="flex" flexDirection="column" gridGap={16}>
            <div
              role="img"
              aria-label={`Deployments and merged PRs from ${delivery.from} to ${delivery.to} against ${delivery.previous.from} to ${delivery.previous.to}`}
            >
              <ResponsiveContainer width="100%" height={160}>
                <BarChart data={chartData} layout="vertical">
                  <XAxis
                    type="number"
                    tickFormatter={formatCount}
                    tick={{ fontSize: 11 }}
                  />
                  <YAxis
                    type="category"
                    dataKey="name"
                    width={100}
                    tick={{ fontSize: 11 }}
                  />
                  <Tooltip />
                  <Legend wrapperStyle={{ fontSize: 12 }} />
                  <Bar
                    dataKey="previous"
                    name={`${delivery.previous.from} to ${delivery.previous.to}`}
                    fill={theme.palette.grey[500]}
                    isAnimationActive={false}
                  />
                  <Bar
                    dataKey="current"
                    name={`${delivery.from} to ${delivery.to}`}
                    fill={theme.palette.primary.main}
                    isAnimationActive={false}
                  />
                </BarChart>
              </ResponsiveContainer>
            </div>
            <DataTable
              title="Delivery against the previous period"
              fileName={csvFileName(`${entityName}-delivery`, range)}
              rows={metricRows(delivery, delivery.previous)}
              columns={COLUMNS}
              rowKey={rowKey}
              emptyMessage="No delivery data in this period."
            />
          </Box>
        );
      }}
    </AnalyticsPanel>
  );
}
