import { stringifyEntityRef } from '@backstage/catalog-model';
import { InfoCard } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import { useEntity } from '@backstage/plugin-catalog-react';
import { Box, Typography } from '@material-ui/core';
import { ReactNode, useMemo } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import {
  ClaudeCodeAnalyticsApi,
  claudeCodeAnalyticsApiRef,
  EntityPeriodRequest,
} from '../../api';
import { ErrorWithRetry, LoadingState } from '../AsyncStates';
import { lastFullUtcDays } from '../lastFullUtcDays';
import { useMinimumGroupSize } from '../useMinimumGroupSize';

/** Props of {@link EntityAnalyticsCard}. */
export type EntityAnalyticsCardProps<T extends object> = {
  /** The card's title, e.g. `Claude Code adoption`; it also names the loading and error states. */
  title: string;
  /** Length of the period in full UTC days, ending yesterday; used when there is no `range`. */
  days: number;
  /** The period, e.g. the one chosen on the entity tab; overrides `days`. */
  range?: { from: string; to: string };
  /** Reads the response; keep it stable (defined at module level) so that it loads once. */
  load: (
    api: ClaudeCodeAnalyticsApi,
    request: EntityPeriodRequest,
  ) => Promise<T>;
  /** Whether the response has any data to show; without, the card shows its empty state. */
  hasData: (response: T) => boolean;
  /**
   * The empty state of a response without data. By default: no Claude Code usage in the period,
   * and how to connect a usage source, followed by `renderEmptyFooter`.
   */
  renderEmpty?: (response: T) => ReactNode;
  /** Shown under the default empty state, e.g. the freshness of the sources. */
  renderEmptyFooter?: (response: T) => ReactNode;
  /**
   * What a 403 answer means for this card, given the entity's display name. By default: individual
   * usage is private to the person.
   */
  renderForbidden?: (entityName: string) => ReactNode;
  /** The numbers of a response that has data and is not suppressed. */
  children: (response: T) => ReactNode;
};

/** Usage aggregates carry `suppressed`; responses without the flag (delivery) are never suppressed. */
function isSuppressed(response: object): boolean {
  return 'suppressed' in response && response.suppressed === true;
}

function renderIndividualUsagePrivate(entityName: string): ReactNode {
  return (
    <Typography variant="body1">
      Individual usage is private: only {entityName} and people allowed to read
      individual Claude Code usage can see these numbers.
    </Typography>
  );
}

function isForbidden(error: Error): boolean {
  return error instanceof ResponseError && error.statusCode === 403;
}

/**
 * An entity card over one analytics response of the current entity for the last full UTC days,
 * with the states every such card shares: loading, an error with retry, a 403 (by default:
 * individual usage that is private to the viewer), an aggregate suppressed for privacy, and no
 * data yet.
 */
export function EntityAnalyticsCard<T extends object>(
  props: EntityAnalyticsCardProps<T>,
) {
  const {
    title,
    days,
    range,
    load,
    hasData,
    renderEmpty,
    renderEmptyFooter,
    renderForbidden = renderIndividualUsagePrivate,
    children,
  } = props;
  const { entity } = useEntity();
  const analyticsApi = useApi(claudeCodeAnalyticsApiRef);
  const entityRef = stringifyEntityRef(entity);
  const entityName = entity.metadata.title ?? entity.metadata.name;
  const lastDays = useMemo(() => lastFullUtcDays(days), [days]);
  const { from, to } = range ?? lastDays;
  const minimumGroupSize = useMinimumGroupSize();

  const {
    value: response,
    loading,
    error,
    retry,
  } = useAsyncRetry(
    () => load(analyticsApi, { entityRef, from, to }),
    [load, analyticsApi, entityRef, from, to],
  );

  let content: ReactNode;
  if (loading) {
    content = <LoadingState label={`Loading ${title}`} />;
  } else if (error && isForbidden(error)) {
    content = renderForbidden(entityName);
  } else if (error) {
    content = <ErrorWithRetry error={error} what={title} retry={retry} />;
  } else if (!response) {
    content = <LoadingState label={`Loading ${title}`} />;
  } else if (isSuppressed(response)) {
    content = (
      <Typography variant="body1">
        Hidden for privacy: fewer than {minimumGroupSize} active people in this
        period.
      </Typography>
    );
  } else if (!hasData(response)) {
    content = renderEmpty ? (
      renderEmpty(response)
    ) : (
      <Box display="flex" flexDirection="column" gridGap={8}>
        <Typography variant="body1">
          No Claude Code usage in this period.
        </Typography>
        <Typography variant="body2" color="textSecondary">
          To connect a source, point Claude Code&apos;s OpenTelemetry (OTLP)
          exporter at /api/claude-code-analytics/otlp, configure the Claude Code
          Analytics Admin API, or run the collector on developer machines.
        </Typography>
        {renderEmptyFooter?.(response)}
      </Box>
    );
  } else {
    content = children(response);
  }

  return (
    <InfoCard
      title={title}
      subheader={
        range
          ? `${from} to ${to} (UTC)`
          : `Last ${days} days, ${from} to ${to} (UTC)`
      }
      variant="gridItem"
    >
      {content}
    </InfoCard>
  );
}
