import { makeStyles, Typography } from '@material-ui/core';
import { PeriodChange } from './compareToPrevious';

const useStyles = makeStyles(theme => {
  const dark = theme.palette.type === 'dark';
  return {
    line: {
      margin: 0,
    },
    better: {
      color: dark ? theme.palette.success.light : theme.palette.success.dark,
    },
    worse: {
      color: dark ? theme.palette.error.light : theme.palette.error.dark,
    },
    unchanged: {
      color: theme.palette.text.secondary,
    },
  };
});

/** Props of {@link PeriodChangeLine}. */
export type PeriodChangeLineProps = {
  /** Undefined when the previous period has no value to compare with. */
  change?: PeriodChange;
  /** Formats the size of the difference, without sign, in the metric's unit. */
  formatDifference: (difference: number) => string;
  /** The previous period and its value, for the tooltip: `2024-11-05 to 2024-12-04: 4 h`. */
  previous: string;
};

/**
 * The change of a metric against the previous period, described as a `dd`: an arrow for the
 * direction, the signed difference, and in words whether that is better or worse for the metric.
 */
export function PeriodChangeLine(props: PeriodChangeLineProps) {
  const { change, formatDifference, previous } = props;
  const classes = useStyles();
  const title = `Previous period, ${previous}`;
  if (!change) {
    return (
      <Typography
        component="dd"
        variant="body2"
        className={`${classes.line} ${classes.unchanged}`}
        title={title}
      >
        No previous value to compare
      </Typography>
    );
  }
  const size = formatDifference(Math.abs(change.difference));
  if (change.verdict === 'unchanged' || size === formatDifference(0)) {
    return (
      <Typography
        component="dd"
        variant="body2"
        className={`${classes.line} ${classes.unchanged}`}
        title={title}
      >
        <span aria-hidden="true">→ </span>No change
      </Typography>
    );
  }
  const rose = change.difference > 0;
  return (
    <Typography
      component="dd"
      variant="body2"
      className={`${classes.line} ${classes[change.verdict]}`}
      title={title}
    >
      <span aria-hidden="true">{rose ? '▲' : '▼'} </span>
      {rose ? '+' : '−'}
      {size} ({change.verdict})
    </Typography>
  );
}
