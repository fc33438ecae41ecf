import { createApiRef } from '@backstage/core-plugin-api';
import {
  AdoptionResponse,
  CostResponse,
  DeliveryResponse,
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

  /**
   * Delivery (DORA) metrics of an entity in a period, pooled over the components it delivers: the
   * five DORA metrics with their tiers, PR cycle time by phase, the same for AI-assisted and other
   * pull requests, and the previous period of equal length. Answered for Component, Group, System
   * and Domain entities.
   *
   * @throws ResponseError when the backend answers with an error, e.g. 400 for a User entity, or
   *   404 for an unknown entity.
   */
  getDelivery(request: EntityPeriodRequest): Promise<DeliveryResponse>;
}

/**
 * The API reference of {@link ClaudeCodeAnalyticsApi}.
 *
 * @public
 */
export const claudeCodeAnalyticsApiRef = createApiRef<ClaudeCodeAnalyticsApi>({
  id: 'plugin.claude-code-analytics.service',
});
