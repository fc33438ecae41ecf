export {
  claudeCodeAnalyticsApiRef,
  type ClaudeCodeAnalyticsApi,
  type EntityPeriodRequest,
  type PeriodRequest,
} from './ClaudeCodeAnalyticsApi';
export { ClaudeCodeAnalyticsClient } from './ClaudeCodeAnalyticsClient';
export type {
  SourceStatus,
  StatusResponse,
  UnmappedIdentity,
} from 'backstage-plugin-claude-code-analytics-common';
