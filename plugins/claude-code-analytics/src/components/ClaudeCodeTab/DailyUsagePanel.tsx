import { useApi } from '@backstage/core-plugin-api';
import { Box, Typography } from '@material-ui/core';
import {
  AdoptionResponse,
  CostResponse,
} from 'backstage-plugin-claude-code-analytics-common';
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
import { useMinimumGroupSize } from '../useMinimumGroupSize';

/** One UTC day of usage and spend. */
type DailyUsage = {
  date: string;
  activeUsers?: number;
  sessions?: number;
  linesAdded?: number;
  linesRemoved?: number;
  costUsd?: number;
};

type ModelCost = CostResponse['byModel'][number];

/** Days of either response, in order; a day missing from one leaves its numbers undefined. */
function joinDaily(
  adoption: AdoptionResponse,
  cost: CostResponse,
): DailyUsage[] {
  const days = new Map<string, DailyUsage>();
  for (const day of adoption.daily) {
    days.set(day.date, { ...day });
  }
  for (const day of cost.daily) {
    days.set(day.date, {
      ...days.get(day.date),
      date: day.date,
      costUsd: day.costUsd,
    });
  }
  return [...days.values()].sort((a, b) => a.date.localeCompare(b.date));
}

function countCell(value: number | undefined) {
  return value === undefined ? (
    '–'
  ) : (
    <span title={formatExactCount(value)}>{formatCount(value)}</span>
  );
}

function usdCell(value: number | undefined) {
  return value === undefined ? (
    '–'
  ) : (
    <span title={formatExactUsd(value)}>{formatUsd(value)}</span>
  );
}

const DAILY_COLUMNS: DataColumn<DailyUsage>[] = [
  { id: 'date', title: 'Date', value: day => day.date },
  ...(
    [
      ['activeUsers', 'Active users'],
      ['sessions', 'Sessions'],
      ['linesAdded', 'Lines added'],
      ['linesRemoved', 'Lines removed'],
    ] as const
  ).map(
    ([key, title]): DataColumn<DailyUsage> => ({
      id: key,
      title,
      numeric: true,
      value: day => day[key],
      render: day => countCell(day[key]),
    }),
  ),
  {
    id: 'costUsd',
    title: 'Spend (USD)',
    numeric: true,
    value: day => day.costUsd,
    render: day => usdCell(day.costUsd),
  },
];

const MODEL_COLUMNS: DataColumn<ModelCost>[] = [
  { id: 'model', title: 'Model', value: model => model.model },
  {
    id: 'costUsd',
    title: 'Spend (USD)',
    numeric: true,
    value: model => model.costUsd,
    render: model => (model.unpriced ? 'no price' : usdCell(model.costUsd)),
  },
  ...(
    [
      ['input', 'Input tokens'],
      ['output', 'Output tokens'],
      ['cacheRead', 'Cache read tokens'],
      ['cacheCreation', 'Cache creation tokens'],
    ] as const
  ).map(
    ([key, title]): DataColumn<ModelCost> => ({
      id: key,
      title,
      numeric: true,
      value: model => model.tokens[key],
      render: model => countCell(model.tokens[key]),
    }),
  ),
  {
    id: 'unpriced',
    title: 'Unpriced',
    value: model => model.unpriced,
    exportOnly: true,
  },
];

function dayKey(day: DailyUsage): string {
  return day.date;
}

function modelKey(model: ModelCost): string {
  return model.model;
}

/** Props of {@link DailyUsagePanel}. */
export type DailyUsagePanelProps = {
  entityRef: string;
  entityName: string;
  range: { from: string; to: string };
};

/** The usage and spend of an entity per day and the spend per model, as tables to export. */
export function DailyUsagePanel(props: DailyUsagePanelProps) {
  const { entityRef, entityName, range } = props;
  const analyticsApi = useApi(claudeCodeAnalyticsApiRef);
  const minimumGroupSize = useMinimumGroupSize();
  const state = useAsyncRetry(async () => {
    const request = { entityRef, ...range };
    const [adoption, cost] = await Promise.all([
      analyticsApi.getAdoption(request),
      analyticsApi.getCost(request),
    ]);
    return { adoption, cost };
  }, [analyticsApi, entityRef, range.from, range.to]);

  return (
    <AnalyticsPanel title="Usage by day and model" state={state}>
      {({ adoption, cost }) =>
        adoption.suppressed || cost.suppressed ? (
          <Typography variant="body1">
            Hidden for privacy: fewer than {minimumGroupSize} active people in
            this period.
          </Typography>
        ) : (
          <Box display="flex" flexDirection="column" gridGap={16}>
            <DataTable
              title="Usage by day"
              fileName={csvFileName(`${entityName}-usage-by-day`, range)}
              rows={joinDaily(adoption, cost)}
              columns={DAILY_COLUMNS}
              rowKey={dayKey}
              emptyMessage="No Claude Code usage in this period."
            />
            <DataTable
              title="Spend by model"
              fileName={csvFileName(`${entityName}-spend-by-model`, range)}
              rows={cost.byModel}
              columns={MODEL_COLUMNS}
              rowKey={modelKey}
              initialSort={{ columnId: 'costUsd', direction: 'desc' }}
              emptyMessage="No Claude Code spend in this period."
            />
          </Box>
        )
      }
    </AnalyticsPanel>
  );
}
