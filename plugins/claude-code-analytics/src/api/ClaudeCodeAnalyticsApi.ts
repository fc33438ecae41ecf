import { createApiRef } from '@backstage/core-plugin-api';
import {
  AdoptionResponse,
  CostResponse,
  DeliveryResponse,
  EntitySummaryList,
  MemberUsageList,
  StatusResponse,
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
 * A period of UTC days, both ends inclusive.
 *
 * @public
 */
export type PeriodRequest = {
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

  /**
   * The headline numbers of a group's direct sub-groups in a period, for a side-by-side
   * comparison; sub-groups with fewer active people than the minimum group size are flagged
   * `suppressed`.
   *
   * @param request - `entityRef` must be a Group.
   * @throws ResponseError when the backend answers with an error, e.g. 404 for an unknown group.
   */
  getChildren(request: EntityPeriodRequest): Promise<EntitySummaryList>;

  /**
   * The usage of every transitive member of a group in a period, one row per person.
   *
   * @param request - `entityRef` must be a Group.
   * @throws ResponseError when the backend answers with an error, e.g. 403 when the viewer is
   *   not granted `claude-code-analytics.individual.read`.
   */
  getMembers(request: EntityPeriodRequest): Promise<MemberUsageList>;

  /**
   * The headline numbers of every group of the organisation in a period, each with its parent
   * group and type, for the org page.
   *
   * @throws ResponseError when the backend answers with an error.
   */
  getGroups(request: PeriodRequest): Promise<EntitySummaryList>;

  /**
   * The health of every source and what the catalog could not map (identities without a User,
   * repositories without a Component).
   *
   * @throws ResponseError when the backend answers with an error.
   */
  getStatus(): Promise<StatusResponse>;
}

/**
 * The API reference of {@link ClaudeCodeAnalyticsApi}.
 *
 * @public
 */
export const claudeCodeAnalyticsApiRef = createApiRef<ClaudeCodeAnalyticsApi>({
  id: 'plugin.claude-code-analytics.service',
});
