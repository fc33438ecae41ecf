/**
 * The Claude Code Analytics backend plugin.
 *
 * @packageDocumentation
 */

export { claudeCodeAnalyticsPlugin as default } from './plugin';
export type { UsageDay, UsageActivity, ModelUsage, PullRequestFact, DeploymentFact, IncidentFact } from './ingestion/types';
