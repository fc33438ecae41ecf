import {
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from '@material-ui/core';
import {
  DeliveryMetrics,
  DeliveryResponse,
} from 'backstage-plugin-claude-code-analytics-common';
import {
  formatCount,
  formatExactCount,
  formatHours,
  formatPercent,
} from '../format';

type SplitRow = {
  label: string;
  value: (metrics: DeliveryMetrics) => number | undefined;
  format: (value: number) => string;
  /** How many items the value stands on, and what they are. */
  sample?: (metrics: DeliveryMetrics) => { count: number; of: string };
};

const SPLIT_ROWS: SplitRow[] = [
  {
    label: 'Merged PRs',
    value: metrics => metrics.mergedPullRequests,
    format: formatCount,
  },
  {
    label: 'Change lead time (median)',
    value: metrics => metrics.leadTime.medianHours,
    format: formatHours,
    sample: metrics => ({ count: metrics.samples.leadTime, of: 'changes' }),
  },
  {
    label: 'PR cycle time (median)',
    value: metrics => metrics.cycleTime.cycleHours,
    format: formatHours,
    sample: metrics => ({ count: metrics.samples.cycleTime, of: 'PRs' }),
  },
  {
    label: 'Change failure rate',
    value: metrics => metrics.changeFailureRate.value,
    format: formatPercent,
    sample: metrics => ({
      count: metrics.samples.changeFailureRate,
      of: 'deployments',
    }),
  },
];

function SplitCell(props: { row: SplitRow; metrics: DeliveryMetrics }) {
  const { row, metrics } = props;
  const value = row.value(metrics);
  const sample = row.sample?.(metrics);
  return (
    <TableCell align="right">
      {value === undefined ? (
        <span title="Not enough data: no sample in this period">—</span>
      ) : (
        row.format(value)
      )}
      {sample && (
        <Typography
          component="span"
          variant="caption"
          color="textSecondary"
          title={`${formatExactCount(sample.count)} ${sample.of}`}
        >
          {' '}
          (n = {formatCount(sample.count)})
        </Typography>
      )}
    </TableCell>
  );
}

/** Props of {@link AiAssistedSplit}. */
export type AiAssistedSplitProps = {
  split: DeliveryResponse['split'];
};

/**
 * AI-assisted and other pull requests side by side, each number with its sample size; when either
 * side has too few samples, only the counts and "not enough data to compare".
 */
export function AiAssistedSplit(props: AiAssistedSplitProps) {
  const { aiAssisted, other, comparable } = props.split;
  return (
    <section>
      <Typography variant="subtitle2" component="h3" gutterBottom>
        AI-assisted vs other PRs
      </Typography>
      {comparable ? (
        <Table size="small" aria-label="AI-assisted vs other PRs">
          <TableHead>
            <TableRow>
              <TableCell>Metric</TableCell>
              <TableCell align="right">AI-assisted</TableCell>
              <TableCell align="right">Other</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {SPLIT_ROWS.map(row => (
              <TableRow key={row.label}>
                <TableCell component="th" scope="row">
                  {row.label}
                </TableCell>
                <SplitCell row={row} metrics={aiAssisted} />
                <SplitCell row={row} metrics={other} />
              </TableRow>
            ))}
          </TableBody>
        </Table>
      ) : (
        <Typography variant="body2" color="textSecondary">
          Not enough data to compare:{' '}
          {formatCount(aiAssisted.mergedPullRequests)} AI-assisted and{' '}
          {formatCount(other.mergedPullRequests)} other merged PRs in this
          period.
        </Typography>
      )}
    </section>
  );
}
