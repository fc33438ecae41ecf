import { useTheme } from '@material-ui/core';
import { CostResponse } from 'backstage-plugin-claude-code-analytics-common';
import {
  Bar,
  BarChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { formatDayTick, formatExactUsd, formatUsd } from '../format';

/** Props of {@link CostTrendChart}. */
export type CostTrendChartProps = {
  daily: CostResponse['daily'];
  height?: number;
};

/** Spend per UTC day. */
export function CostTrendChart(props: CostTrendChartProps) {
  const { daily, height = 140 } = props;
  const theme = useTheme();
  const first = daily[0]?.date;
  const last = daily[daily.length - 1]?.date;
  return (
    <div role="img" aria-label={`Daily spend from ${first} to ${last}`}>
      <ResponsiveContainer width="100%" height={height}>
        <BarChart
          data={daily}
          margin={{ top: 8, right: 0, bottom: 0, left: 0 }}
        >
          <XAxis
            dataKey="date"
            tickFormatter={formatDayTick}
            minTickGap={24}
            tick={{ fontSize: 11 }}
          />
          <YAxis width={48} tick={{ fontSize: 11 }} tickFormatter={formatUsd} />
          <Tooltip
            labelFormatter={formatDayTick}
            formatter={(value: number) => formatExactUsd(value)}
          />
          <Bar
            dataKey="costUsd"
            name="Spend"
            fill={theme.palette.primary.main}
            isAnimationActive={false}
          />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
