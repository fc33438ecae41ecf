import { createApiRef } from '@backstage/core-plugin-api';
import {
  AdoptionResponse,
  CostResponse,
} from 'backstage-plugin-claude-code-analytics-common';

/**
 * The entity and period of a request to the analytics API.
 *
 * @public
 */
export type EntityPeriodRequest = {
  /** The entity, as a full or shorthand entity ref such as `group:default/team-a`. */
  entityRef: string;
  /** First UTC day of the period, `YYYY-MM-DD`. */
  from: string;
  /** Last UTC day of the period (inclusive), `YYYY-MM-DD`. */
  to: string;
};

/**
 * Reads Claude Code analytics of catalog entities from the `claude-code-analytics` backend.
 *
 * @public
 */
export interface ClaudeCodeAnalyticsApi {
  /**
   * Claude Code adoption of an entity in a period.
   *
   * @throws ResponseError when the backend answers with an error, e.g. 403 when the viewer may
   *   not see another person's individual usage, or 404 for an unknown entity.
   */
  getAdoption(request: EntityPeriodRequest): Promise<AdoptionResponse>;

  /**
   * Claude Code cost of an entity in a period: spend, tokens, spend by model and per unit of
   * delivery, month to date and a month-end projection.
   *
   * @throws ResponseError when the backend answers with an error, e.g. 403 when the viewer may
   *   not see another person's individual usage, or 404 for an unknown entity.
   */
  getCost(request: EntityPeriodRequest): Promise<CostResponse>;
}

/**
 * The API reference of {@link ClaudeCodeAnalyticsApi}.
 *
 * @public
 */
export const claudeCodeAnalyticsApiRef = createApiRef<ClaudeCodeAnalyticsApi>({
  id: 'plugin.claude-code-analytics.service',
});
