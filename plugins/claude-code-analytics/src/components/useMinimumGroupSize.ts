import { configApiRef, useApi } from '@backstage/core-plugin-api';
import { DEFAULT_MINIMUM_GROUP_SIZE } from 'backstage-plugin-claude-code-analytics-common';

/**
 * The configured `claudeCodeAnalytics.privacy.minimumGroupSize`: aggregates over fewer active
 * people are suppressed by the backend, and the UI names the number when it says so.
 */
export function useMinimumGroupSize(): number {
  const configApi = useApi(configApiRef);
  return (
    configApi.getOptionalNumber(
      'claudeCodeAnalytics.privacy.minimumGroupSize',
    ) ?? DEFAULT_MINIMUM_GROUP_SIZE
  );
}
