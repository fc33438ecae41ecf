import { stringifyEntityRef } from '@backstage/catalog-model';
import { InfoCard, ResponseErrorPanel } from '@backstage/core-components';
import { configApiRef, useApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import { useEntity } from '@backstage/plugin-catalog-react';
import { Box, Button, Typography } from '@material-ui/core';
import { Skeleton } from '@material-ui/lab';
import {
  AdoptionResponse,
  DEFAULT_MINIMUM_GROUP_SIZE,
} from 'backstage-plugin-claude-code-analytics-common';
import { ReactNode, useMemo } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { claudeCodeAnalyticsApiRef } from '../../api';
import { lastFullUtcDays } from '../lastFullUtcDays';
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
};

function hasUsage(adoption: AdoptionResponse): boolean {
  return (
    adoption.activeUsers > 0 ||
    adoption.sessions > 0 ||
    adoption.daily.some(day => day.activeUsers > 0 || day.sessions > 0)
  );
}

function isForbidden(error: Error): boolean {
  return error instanceof ResponseError && error.statusCode === 403;
}

function LoadingState() {
  return (
    <Box role="progressbar" aria-label="Loading Claude Code adoption">
      <Skeleton variant="text" width="60%" />
      <Skeleton variant="rect" height={140} />
      <Skeleton variant="text" />
      <Skeleton variant="text" width="40%" />
    </Box>
  );
}

/**
 * Claude Code adoption of the current entity over the last full UTC days: active users and
 * adoption, sessions, active time, lines, commits and pull requests by Claude Code, accept rate
 * per edit tool, a daily trend and the freshness of each source.
 *
 * @public
 */
export function AdoptionCard(props: AdoptionCardProps) {
  const { days = 30 } = props;
  const { entity } = useEntity();
  const analyticsApi = useApi(claudeCodeAnalyticsApiRef);
  const configApi = useApi(configApiRef);
  const entityRef = stringifyEntityRef(entity);
  const entityName = entity.metadata.title ?? entity.metadata.name;
  const { from, to } = useMemo(() => lastFullUtcDays(days), [days]);
  const minimumGroupSize =
    configApi.getOptionalNumber(
      'claudeCodeAnalytics.privacy.minimumGroupSize',
    ) ?? DEFAULT_MINIMUM_GROUP_SIZE;

  const {
    value: adoption,
    loading,
    error,
    retry,
  } = useAsyncRetry(
    () => analyticsApi.getAdoption({ entityRef, from, to }),
    [analyticsApi, entityRef, from, to],
  );

  let content: ReactNode;
  if (loading) {
    content = <LoadingState />;
  } else if (error && isForbidden(error)) {
    content = (
      <Typography variant="body1">
        Individual usage is private: only {entityName} and people allowed to
        read individual Claude Code usage can see these numbers.
      </Typography>
    );
  } else if (error) {
    content = (
      <Box display="flex" flexDirection="column" gridGap={8}>
        <ResponseErrorPanel
          error={error}
          title="Could not load Claude Code adoption"
        />
        <Box>
          <Button variant="outlined" color="primary" onClick={retry}>
            Retry
          </Button>
        </Box>
      </Box>
    );
  } else if (!adoption) {
    content = <LoadingState />;
  } else if (adoption.suppressed) {
    content = (
      <Typography variant="body1">
        Hidden for privacy: fewer than {minimumGroupSize} active people in this
        period.
      </Typography>
    );
  } else if (!hasUsage(adoption)) {
    content = (
      <Box display="flex" flexDirection="column" gridGap={8}>
        <Typography variant="body1">
          No Claude Code usage in this period.
        </Typography>
        <Typography variant="body2" color="textSecondary">
          To connect a source, point Claude Code&apos;s OpenTelemetry (OTLP)
          exporter at /api/claude-code-analytics/otlp, configure the Claude Code
          Analytics Admin API, or run the collector on developer machines.
        </Typography>
        <SourceFreshnessLine sources={adoption.sources} />
      </Box>
    );
  } else {
    content = <AdoptionDetails adoption={adoption} />;
  }

  return (
    <InfoCard
      title="Claude Code adoption"
      subheader={`Last ${days} days, ${from} to ${to} (UTC)`}
      variant="gridItem"
    >
      {content}
    </InfoCard>
  );
}
