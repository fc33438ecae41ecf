import { colors, makeStyles, Typography } from '@material-ui/core';
import { DeliveryMetrics } from 'backstage-plugin-claude-code-analytics-common';
import { formatCount, formatHours } from '../format';

type Phase = {
  key: 'codingHours' | 'pickupHours' | 'reviewHours' | 'deployHours';
  label: string;
  definition: string;
  color: string;
};

/** The phases of a pull request's cycle time, as Apache DevLake splits it. */
const PHASES: Phase[] = [
  {
    key: 'codingHours',
    label: 'Coding',
    definition: 'first commit authored to PR created',
    color: colors.blue[400],
  },
  {
    key: 'pickupHours',
    label: 'Pickup',
    definition: 'PR created to first review by someone else',
    color: colors.amber[600],
  },
  {
    key: 'reviewHours',
    label: 'Review',
    definition: 'first review to merged',
    color: colors.purple[300],
  },
  {
    key: 'deployHours',
    label: 'Deploy',
    definition: 'merged to running in production',
    color: colors.teal[400],
  },
];

const useStyles = makeStyles(theme => ({
  bar: {
    display: 'flex',
    height: theme.spacing(1.5),
    borderRadius: theme.shape.borderRadius,
    overflow: 'hidden',
    margin: theme.spacing(1, 0),
  },
  segment: {
    minWidth: 2,
  },
  legend: {
    listStyle: 'none',
    margin: 0,
    padding: 0,
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(0.5, 2),
  },
  swatch: {
    display: 'inline-block',
    width: theme.spacing(1.25),
    height: theme.spacing(1.25),
    marginRight: theme.spacing(0.75),
    borderRadius: 2,
  },
}));

/** Props of {@link CycleTimeBreakdown}. */
export type CycleTimeBreakdownProps = {
  metrics: DeliveryMetrics;
};

/**
 * Median PR cycle time and its phases coding, pickup, review and deploy, as a stacked bar and a
 * legend that names every phase and its median (medians of phases need not add up to the median
 * cycle time).
 */
export function CycleTimeBreakdown(props: CycleTimeBreakdownProps) {
  const { cycleTime, samples } = props.metrics;
  const classes = useStyles();
  const phases = PHASES.map(phase => ({
    ...phase,
    hours: cycleTime[phase.key],
  }));
  const measured = phases.filter(
    (phase): phase is Phase & { hours: number } => phase.hours !== undefined,
  );
  const description = phases
    .map(
      phase =>
        `${phase.label.toLocaleLowerCase('en-US')} ${
          phase.hours === undefined ? 'no data' : formatHours(phase.hours)
        }`,
    )
    .join(', ');
  return (
    <section>
      <Typography variant="subtitle2" component="h3">
        PR cycle time
      </Typography>
      {measured.length === 0 ? (
        <Typography
          variant="body2"
          color="textSecondary"
          title="Needs merged pull requests with their first commit, review and deployment"
        >
          Not enough data: no merged pull requests in this period.
        </Typography>
      ) : (
        <>
          <Typography variant="body2" color="textSecondary">
            {cycleTime.cycleHours === undefined
              ? 'Median by phase'
              : `Median ${formatHours(cycleTime.cycleHours)}`}{' '}
            over {formatCount(samples.cycleTime)}{' '}
            {samples.cycleTime === 1 ? 'pull request' : 'pull requests'}
          </Typography>
          <div
            className={classes.bar}
            role="img"
            aria-label={`Median PR cycle time by phase: ${description}`}
          >
            {measured.map(phase => (
              <div
                key={phase.key}
                className={classes.segment}
                style={{ flexGrow: phase.hours, backgroundColor: phase.color }}
              />
            ))}
          </div>
          <ul className={classes.legend} aria-label="PR cycle time by phase">
            {phases.map(phase => (
              <Typography
                key={phase.key}
                component="li"
                variant="body2"
                title={
                  phase.hours === undefined
                    ? `Not enough data: ${phase.definition}`
                    : `Median time from ${phase.definition}`
                }
              >
                <span
                  className={classes.swatch}
                  style={{ backgroundColor: phase.color }}
                  aria-hidden="true"
                />
                {phase.label}{' '}
                <strong>
                  {phase.hours === undefined ? '—' : formatHours(phase.hours)}
                </strong>
              </Typography>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
