import { Box, makeStyles } from '@material-ui/core';
import { AdoptionResponse } from 'backstage-plugin-claude-code-analytics-common';
import { formatCount, formatDuration, formatPercent } from '../format';
import { AdoptionStat } from './AdoptionStat';
import { AdoptionTrendChart } from './AdoptionTrendChart';
import { SourceFreshnessLine } from './SourceFreshnessLine';
import { ToolAcceptRates } from './ToolAcceptRates';

const useStyles = makeStyles(theme => ({
  stats: {
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fill, minmax(9rem, 1fr))',
    gap: theme.spacing(2),
    margin: 0,
  },
}));

function exact(value: number): string {
  return value.toLocaleString('en-US');
}

/** Props of {@link AdoptionDetails}. */
export type AdoptionDetailsProps = {
  adoption: AdoptionResponse;
};

/** The numbers, trend and sources of an adoption response that has usage and is not suppressed. */
export function AdoptionDetails(props: AdoptionDetailsProps) {
  const { adoption } = props;
  const classes = useStyles();
  return (
    <Box display="flex" flexDirection="column" gridGap={16}>
      <dl className={classes.stats} aria-label="Claude Code adoption numbers">
        <AdoptionStat
          label="Active users"
          value={`${formatCount(adoption.activeUsers)} of ${formatCount(
            adoption.members,
          )}`}
          exactValue={`${exact(adoption.activeUsers)} of ${exact(
            adoption.members,
          )}`}
          detail={`${formatPercent(adoption.adoptionRate)} adoption`}
        />
        <AdoptionStat
          label="Sessions"
          value={formatCount(adoption.sessions)}
          exactValue={exact(adoption.sessions)}
        />
        <AdoptionStat
          label="Active time"
          value={formatDuration(adoption.activeSeconds)}
        />
        <AdoptionStat
          label="Lines added"
          value={formatCount(adoption.linesAdded)}
          exactValue={exact(adoption.linesAdded)}
        />
        <AdoptionStat
          label="Lines removed"
          value={formatCount(adoption.linesRemoved)}
          exactValue={exact(adoption.linesRemoved)}
        />
        <AdoptionStat
          label="Commits by Claude Code"
          value={formatCount(adoption.commitsByClaudeCode)}
          exactValue={exact(adoption.commitsByClaudeCode)}
        />
        <AdoptionStat
          label="PRs by Claude Code"
          value={formatCount(adoption.pullRequestsByClaudeCode)}
          exactValue={exact(adoption.pullRequestsByClaudeCode)}
        />
        {adoption.aiAssistedPullRequestShare !== undefined && (
          <AdoptionStat
            label="AI-assisted merged PRs"
            value={formatPercent(adoption.aiAssistedPullRequestShare)}
          />
        )}
      </dl>
      {adoption.daily.length > 1 && (
        <AdoptionTrendChart daily={adoption.daily} />
      )}
      <ToolAcceptRates toolDecisions={adoption.toolDecisions} />
      <SourceFreshnessLine sources={adoption.sources} />
    </Box>
  );
}
