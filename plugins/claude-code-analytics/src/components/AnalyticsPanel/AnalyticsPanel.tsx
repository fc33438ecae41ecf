import { InfoCard } from '@backstage/core-components';
import { ResponseError } from '@backstage/errors';
import { ReactNode } from 'react';
import { ErrorWithRetry, LoadingState } from '../AsyncStates';

/** The state of a request, as `useAsyncRetry` gives it. */
export type AsyncRetryState<T> = {
  value?: T;
  loading: boolean;
  error?: Error;
  retry: () => void;
};

/** Props of {@link AnalyticsPanel}. */
export type AnalyticsPanelProps<T> = {
  /** The panel's title; it also names the loading and error states. */
  title: string;
  subheader?: string;
  state: AsyncRetryState<T>;
  /** What a 403 answer means here; without, a 403 is shown as any other error. */
  renderForbidden?: () => ReactNode;
  children: (value: T) => ReactNode;
};

/**
 * A card over one request that is not an entity card's (sub-teams, members, status, the org
 * page's groups): a skeleton while it loads, the error with retry, an optional meaning of 403.
 */
export function AnalyticsPanel<T>(props: AnalyticsPanelProps<T>) {
  const { title, subheader, state, renderForbidden, children } = props;
  const { value, loading, error, retry } = state;
  let content: ReactNode;
  if (loading || (!error && value === undefined)) {
    content = <LoadingState label={`Loading ${title}`} />;
  } else if (
    error &&
    renderForbidden &&
    error instanceof ResponseError &&
    error.statusCode === 403
  ) {
    content = renderForbidden();
  } else if (error) {
    content = <ErrorWithRetry error={error} what={title} retry={retry} />;
  } else {
    content = children(value as T);
  }
  return (
    <InfoCard title={title} subheader={subheader} variant="gridItem">
      {content}
    </InfoCard>
  );
}
