import { Box } from '@material-ui/core';
import { AdoptionResponse } from 'backstage-plugin-claude-code-analytics-common';
import {
  formatCount,
  formatDuration,
  formatExactCount,
  formatPercent,
} from '../format';
import { Stat, StatList } from '../StatList';
import { AdoptionTrendChart } from './AdoptionTrendChart';
import { SourceFreshnessLine } from './SourceFreshnessLine';
import { ToolAcceptRates } from './ToolAcceptRates';

/** Props of {@link AdoptionDetails}. */
export type AdoptionDetailsProps = {
  adoption: AdoptionResponse;
};

/** The numbers, trend and sources of an adoption response that has usage and is not suppressed. */
export function AdoptionDetails(props: AdoptionDetailsProps) {
  const { adoption } = props;
  return (
    <Box display="flex" flexDirection="column" gridGap={16}>
      <StatList label="Claude Code adoption numbers">
        <Stat
          label="Active users"
          value={`${formatCount(adoption.activeUsers)} of ${formatCount(
            adoption.members,
          )}`}
          exactValue={`${formatExactCount(
            adoption.activeUsers,
          )} of ${formatExactCount(adoption.members)}`}
          detail={`${formatPercent(adoption.adoptionRate)} adoption`}
        />
        <Stat
          label="Sessions"
          value={formatCount(adoption.sessions)}
          exactValue={formatExactCount(adoption.sessions)}
        />
        <Stat
          label="Active time"
          value={formatDuration(adoption.activeSeconds)}
        />
        <Stat
          label="Lines added"
          value={formatCount(adoption.linesAdded)}
          exactValue={formatExactCount(adoption.linesAdded)}
        />
        <Stat
          label="Lines removed"
          value={formatCount(adoption.linesRemoved)}
          exactValue={formatExactCount(adoption.linesRemoved)}
        />
        <Stat
          label="Commits by Claude Code"
          value={formatCount(adoption.commitsByClaudeCode)}
          exactValue={formatExactCount(adoption.commitsByClaudeCode)}
        />
        <Stat
          label="PRs by Claude Code"
          value={formatCount(adoption.pullRequestsByClaudeCode)}
          exactValue={formatExactCount(adoption.pullRequestsByClaudeCode)}
        />
        {adoption.aiAssistedPullRequestShare !== undefined && (
          <Stat
            label="AI-assisted merged PRs"
            value={formatPercent(adoption.aiAssistedPullRequestShare)}
          />
        )}
        {/* From OpenTelemetry events only: absent or 0 when no one exports them. */}
        {!!adoption.prompts && (
          <Stat
            label="Prompts"
            value={formatCount(adoption.prompts)}
            exactValue={formatExactCount(adoption.prompts)}
          />
        )}
        {adoption.apiErrorRate !== undefined && (
          <Stat
            label="API error rate"
            value={formatPercent(adoption.apiErrorRate)}
            exactValue={`${formatExactCount(
              adoption.apiErrors ?? 0,
            )} of ${formatExactCount(
              (adoption.apiRequests ?? 0) + (adoption.apiErrors ?? 0),
            )} API calls failed`}
            detail={`${formatCount(adoption.apiErrors ?? 0)} of ${formatCount(
              (adoption.apiRequests ?? 0) + (adoption.apiErrors ?? 0),
            )} calls failed`}
          />
        )}
      </StatList>
      {adoption.daily.length > 1 && (
        <AdoptionTrendChart daily={adoption.daily} />
      )}
      <ToolAcceptRates toolDecisions={adoption.toolDecisions} />
      <SourceFreshnessLine sources={adoption.sources} />
    </Box>
  );
}
