import { useTheme } from '@material-ui/core';
import { DailyAdoption } from 'backstage-plugin-claude-code-analytics-common';
import {
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { formatCount, formatDayTick } from '../format';

/** Props of {@link AdoptionTrendChart}. */
export type AdoptionTrendChartProps = {
  daily: DailyAdoption[];
  height?: number;
};

/**
 * Daily active users (left axis) and sessions (right axis); sessions are usually an order of
 * magnitude larger, so they get their own scale.
 */
export function AdoptionTrendChart(props: AdoptionTrendChartProps) {
  const { daily, height = 140 } = props;
  const theme = useTheme();
  const first = daily[0]?.date;
  const last = daily[daily.length - 1]?.date;
  return (
    <div
      role="img"
      aria-label={`Daily active users and sessions from ${first} to ${last}`}
    >
      <ResponsiveContainer width="100%" height={height}>
        <LineChart
          data={daily}
          margin={{ top: 8, right: 0, bottom: 0, left: 0 }}
        >
          <XAxis
            dataKey="date"
            tickFormatter={formatDayTick}
            minTickGap={24}
            tick={{ fontSize: 11 }}
          />
          <YAxis
            yAxisId="users"
            allowDecimals={false}
            width={32}
            tick={{ fontSize: 11 }}
            tickFormatter={formatCount}
          />
          <YAxis
            yAxisId="sessions"
            orientation="right"
            allowDecimals={false}
            width={40}
            tick={{ fontSize: 11 }}
            tickFormatter={formatCount}
          />
          <Tooltip labelFormatter={formatDayTick} />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          <Line
            yAxisId="users"
            type="monotone"
            dataKey="activeUsers"
            name="Active users"
            stroke={theme.palette.primary.main}
            dot={false}
            isAnimationActive={false}
          />
          <Line
            yAxisId="sessions"
            type="monotone"
            dataKey="sessions"
            name="Sessions"
            stroke={theme.palette.secondary.main}
            dot={false}
            isAnimationActive={false}
          />
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}
