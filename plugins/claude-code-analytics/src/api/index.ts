export {
  claudeCodeAnalyticsApiRef,
  type ClaudeCodeAnalyticsApi,
  type EntityPeriodRequest,
} from './ClaudeCodeAnalyticsApi';
export { ClaudeCodeAnalyticsClient } from './ClaudeCodeAnalyticsClient';
