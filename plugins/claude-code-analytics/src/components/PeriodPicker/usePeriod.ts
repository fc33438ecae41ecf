import { DateRange } from 'backstage-plugin-claude-code-analytics-common';
import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router-dom';
import { lastFullUtcDays } from '../lastFullUtcDays';
import { validatePeriod } from './validatePeriod';

/** The period of a page, from its URL. */
export type Period = {
  /** The range to show: the URL's when valid, else the last `defaultDays` full days. */
  range: DateRange;
  /** Why the URL's `from` and `to` were not used, if they were given and invalid. */
  error?: string;
  /** Moves to another period, keeping the page's other query parameters. */
  setRange: (range: { from: string; to: string }) => void;
};

/**
 * The period of a page, kept in the URL's `?from=&to=` so that a link shows the same numbers;
 * without them, the last `defaultDays` full UTC days ending yesterday.
 */
export function usePeriod(defaultDays: number): Period {
  const [searchParams, setSearchParams] = useSearchParams();
  const from = searchParams.get('from');
  const to = searchParams.get('to');
  const defaultRange = useMemo(
    () => lastFullUtcDays(defaultDays),
    [defaultDays],
  );

  const validation = useMemo(
    () =>
      from === null && to === null
        ? undefined
        : validatePeriod(from ?? '', to ?? ''),
    [from, to],
  );

  const setRange = useCallback(
    (range: { from: string; to: string }) => {
      setSearchParams(current => {
        const next = new URLSearchParams(current);
        next.set('from', range.from);
        next.set('to', range.to);
        return next;
      });
    },
    [setSearchParams],
  );

  return {
    range: validation?.range ?? defaultRange,
    error: validation?.error,
    setRange,
  };
}
