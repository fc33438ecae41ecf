import { Box, Typography } from '@material-ui/core';
import { formatCount } from '../format';

/** Props of {@link NoDeliveryData}. */
export type NoDeliveryDataProps = {
  /** Components the entity delivers, none of them with delivery data. */
  components: number;
};

/** The empty state of the DORA card: how to connect GitHub, or import delivery data. */
export function NoDeliveryData(props: NoDeliveryDataProps) {
  const { components } = props;
  return (
    <Box display="flex" flexDirection="column" gridGap={8}>
      <Typography variant="body1">
        No delivery data yet
        {components > 0 &&
          ` for ${formatCount(components)} ${
            components === 1 ? 'component' : 'components'
          }`}
        .
      </Typography>
      <Typography variant="body2" color="textSecondary">
        Delivery metrics come from GitHub: give the backend access with a token
        or a GitHub App under integrations.github in app-config.yaml, and name
        each component&apos;s repository with the github.com/project-slug
        annotation (org/repo). Pull requests, deployments and incidents can also
        be imported as NDJSON with POST /api/claude-code-analytics/v1/import.
      </Typography>
    </Box>
  );
}
