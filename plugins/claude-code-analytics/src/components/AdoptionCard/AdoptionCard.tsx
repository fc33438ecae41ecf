import { AdoptionResponse } from 'backstage-plugin-claude-code-analytics-common';
import { ClaudeCodeAnalyticsApi, EntityPeriodRequest } from '../../api';
import { EntityAnalyticsCard } from '../EntityAnalyticsCard';
import { AdoptionDetails } from './AdoptionDetails';
import { SourceFreshnessLine } from './SourceFreshnessLine';

/**
 * Props of {@link AdoptionCard}.
 *
 * @public
 */
export type AdoptionCardProps = {
  /** Length of the period in full UTC days, ending yesterday. Defaults to 30. */
  days?: number;
  /**
   * The period as UTC days (`YYYY-MM-DD`, both inclusive), e.g. the one chosen on the Claude
   * Code tab; overrides `days`.
   */
  range?: { from: string; to: string };
};

function loadAdoption(
  api: ClaudeCodeAnalyticsApi,
  request: EntityPeriodRequest,
): Promise<AdoptionResponse> {
  return api.getAdoption(request);
}

function hasUsage(adoption: AdoptionResponse): boolean {
  return (
    adoption.activeUsers > 0 ||
    adoption.sessions > 0 ||
    adoption.daily.some(day => day.activeUsers > 0 || day.sessions > 0)
  );
}

/**
 * Claude Code adoption of the current entity over the last full UTC days: active users and
 * adoption, sessions, active time, lines, commits and pull requests by Claude Code, prompts and
 * the API error rate (when OpenTelemetry events are exported), accept rate per edit tool, a daily
 * trend and the freshness of each source.
 *
 * @public
 */
export function AdoptionCard(props: AdoptionCardProps) {
  const { days = 30, range } = props;
  return (
    <EntityAnalyticsCard
      title="Claude Code adoption"
      days={days}
      range={range}
      load={loadAdoption}
      hasData={hasUsage}
      renderEmptyFooter={adoption => (
        <SourceFreshnessLine sources={adoption.sources} />
      )}
    >
      {adoption => <AdoptionDetails adoption={adoption} />}
    </EntityAnalyticsCard>
  );
}
