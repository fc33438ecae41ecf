import { CostResponse } from 'backstage-plugin-claude-code-analytics-common';
import { ClaudeCodeAnalyticsApi, EntityPeriodRequest } from '../../api';
import { EntityAnalyticsCard } from '../EntityAnalyticsCard';
import { CostDetails } from './CostDetails';
import { totalTokens } from './totalTokens';

/**
 * Props of {@link CostCard}.
 *
 * @public
 */
export type CostCardProps = {
  /** Length of the period in full UTC days, ending yesterday. Defaults to 30. */
  days?: number;
  /**
   * The period as UTC days (`YYYY-MM-DD`, both inclusive), e.g. the one chosen on the Claude
   * Code tab; overrides `days`.
   */
  range?: { from: string; to: string };
};

function loadCost(
  api: ClaudeCodeAnalyticsApi,
  request: EntityPeriodRequest,
): Promise<CostResponse> {
  return api.getCost(request);
}

/** Tokens of unpriced models count as usage even though they cost nothing in the total. */
function hasUsage(cost: CostResponse): boolean {
  return (
    cost.costUsd > 0 ||
    totalTokens(cost.tokens) > 0 ||
    cost.unpricedTokens > 0 ||
    cost.byModel.length > 0 ||
    cost.daily.some(day => day.costUsd > 0)
  );
}

/**
 * Claude Code cost of the current entity over the last full UTC days: spend, month to date and a
 * month-end projection, cost per active user, merged pull request and deployment, spend by model,
 * tokens by type with the cache hit rate, and a daily trend.
 *
 * @public
 */
export function CostCard(props: CostCardProps) {
  const { days = 30, range } = props;
  return (
    <EntityAnalyticsCard
      title="Claude Code cost"
      days={days}
      range={range}
      load={loadCost}
      hasData={hasUsage}
    >
      {cost => <CostDetails cost={cost} />}
    </EntityAnalyticsCard>
  );
}
