import { createRouteRef } from '@backstage/core-plugin-api';

/**
 * The route of the org page of legacy apps.
 *
 * @public
 */
export const rootRouteRef = createRouteRef({ id: 'claude-code-analytics' });

/**
 * The route of the Claude Code tab of entity pages of legacy apps.
 *
 * @public
 */
export const entityContentRouteRef = createRouteRef({
  id: 'claude-code-analytics:entity-content',
});
