import { ResponseErrorPanel } from '@backstage/core-components';
import { Box, Button } from '@material-ui/core';

/** Props of {@link ErrorWithRetry}. */
export type ErrorWithRetryProps = {
  error: Error;
  /** What could not be loaded: `Claude Code adoption`. */
  what: string;
  retry: () => void;
};

/** A failed request with its message and a button that sends it again. */
export function ErrorWithRetry(props: ErrorWithRetryProps) {
  const { error, what, retry } = props;
  return (
    <Box display="flex" flexDirection="column" gridGap={8}>
      <ResponseErrorPanel error={error} title={`Could not load ${what}`} />
      <Box>
        <Button variant="outlined" color="primary" onClick={retry}>
          Retry
        </Button>
      </Box>
    </Box>
  );
}
