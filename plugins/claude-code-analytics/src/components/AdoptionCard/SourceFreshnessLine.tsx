import { Typography } from '@material-ui/core';
import { SourceFreshness } from 'backstage-plugin-claude-code-analytics-common';
import { DateTime } from 'luxon';
import { formatAge, formatSourceName } from '../format';

/** Props of {@link SourceFreshnessLine}. */
export type SourceFreshnessLineProps = {
  sources: SourceFreshness[];
  /** The reference time; now by default. */
  now?: DateTime;
};

/** Which sources fed the numbers and when each last delivered: `OTLP: 40 s ago · demo: 3 h ago`. */
export function SourceFreshnessLine(props: SourceFreshnessLineProps) {
  const { sources, now = DateTime.utc() } = props;
  if (sources.length === 0) {
    return null;
  }
  const text = sources
    .map(
      ({ source, lastReceivedAt }) =>
        `${formatSourceName(source)}: ${
          lastReceivedAt ? formatAge(lastReceivedAt, now) : 'no data yet'
        }`,
    )
    .join(' · ');
  return (
    <Typography variant="caption" color="textSecondary" component="p">
      Sources: {text}
    </Typography>
  );
}
