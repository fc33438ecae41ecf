import { LinearProgress, makeStyles, Typography } from '@material-ui/core';
import {
  acceptRate,
  ToolDecisionCounts,
} from 'backstage-plugin-claude-code-analytics-common';
import { formatCount, formatPercent } from '../format';

const useStyles = makeStyles(theme => ({
  list: {
    listStyle: 'none',
    margin: 0,
    padding: 0,
    display: 'grid',
    gap: theme.spacing(0.75),
  },
  row: {
    display: 'grid',
    gridTemplateColumns: 'minmax(6rem, auto) 1fr auto',
    alignItems: 'center',
    gap: theme.spacing(1),
  },
}));

/** Props of {@link ToolAcceptRates}. */
export type ToolAcceptRatesProps = {
  toolDecisions: Record<string, ToolDecisionCounts>;
};

/** Accept rate of each edit tool, most used tool first. */
export function ToolAcceptRates(props: ToolAcceptRatesProps) {
  const classes = useStyles();
  const tools = Object.entries(props.toolDecisions)
    .map(([tool, counts]) => ({
      tool,
      counts,
      rate: acceptRate(counts),
      decisions: counts.accepted + counts.rejected,
    }))
    .filter((t): t is typeof t & { rate: number } => t.rate !== undefined)
    .sort((a, b) => b.decisions - a.decisions || a.tool.localeCompare(b.tool));
  if (tools.length === 0) {
    return null;
  }
  return (
    <section>
      <Typography variant="subtitle2" component="h3" gutterBottom>
        Accept rate by edit tool
      </Typography>
      <ul className={classes.list} aria-label="Accept rate by edit tool">
        {tools.map(({ tool, counts, rate, decisions }) => (
          <li key={tool} className={classes.row}>
            <Typography variant="body2">{tool}</Typography>
            <LinearProgress
              variant="determinate"
              value={rate * 100}
              aria-label={`${tool} accept rate`}
            />
            <Typography
              variant="body2"
              title={`${counts.accepted.toLocaleString(
                'en-US',
              )} of ${decisions.toLocaleString('en-US')} suggestions accepted`}
            >
              {formatPercent(rate)} of {formatCount(decisions)}
            </Typography>
          </li>
        ))}
      </ul>
    </section>
  );
}
