import { Box } from '@material-ui/core';
import { Skeleton } from '@material-ui/lab';

/** Props of {@link LoadingState}. */
export type LoadingStateProps = {
  /** Names what is loading, for assistive technology: `Loading Claude Code adoption`. */
  label: string;
  /** Height of the chart or table placeholder. */
  height?: number;
};

/** A skeleton of a chart or table while its data loads. */
export function LoadingState(props: LoadingStateProps) {
  const { label, height = 140 } = props;
  return (
    <Box role="progressbar" aria-label={label}>
      <Skeleton variant="text" width="60%" />
      <Skeleton variant="rect" height={height} />
      <Skeleton variant="text" />
      <Skeleton variant="text" width="40%" />
    </Box>
  );
}
