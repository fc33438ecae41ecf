import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { claudeCodeAnalyticsApiRef, ClaudeCodeAnalyticsClient } from './api';
import { entityContentRouteRef, rootRouteRef } from './routes';

/**
 * The Claude Code Analytics plugin for apps on the legacy frontend system. Apps on the new
 * frontend system install the default export of `backstage-plugin-claude-code-analytics/alpha`.
 *
 * @public
 */
export const claudeCodeAnalyticsPlugin = createPlugin({
  id: 'claude-code-analytics',
  apis: [
    createApiFactory({
      api: claudeCodeAnalyticsApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new ClaudeCodeAnalyticsClient({ discoveryApi, fetchApi }),
    }),
  ],
  routes: {
    root: rootRouteRef,
    entityContent: entityContentRouteRef,
  },
});

/**
 * Entity card with the Claude Code adoption of the current entity; show it where
 * {@link isClaudeCodeAnalyticsAvailable} holds.
 *
 * @public
 */
export const EntityClaudeCodeAdoptionCard = claudeCodeAnalyticsPlugin.provide(
  createComponentExtension({
    name: 'EntityClaudeCodeAdoptionCard',
    component: {
      lazy: () => import('./components/AdoptionCard').then(m => m.AdoptionCard),
    },
  }),
);

/**
 * Entity card with the Claude Code cost of the current entity; show it where
 * {@link isClaudeCodeAnalyticsAvailable} holds.
 *
 * @public
 */
export const EntityClaudeCodeCostCard = claudeCodeAnalyticsPlugin.provide(
  createComponentExtension({
    name: 'EntityClaudeCodeCostCard',
    component: {
      lazy: () => import('./components/CostCard').then(m => m.CostCard),
    },
  }),
);

/**
 * Entity card with the delivery (DORA) metrics of the current entity; show it where
 * {@link isClaudeCodeDeliveryAvailable} holds.
 *
 * @public
 */
export const EntityClaudeCodeDoraCard = claudeCodeAnalyticsPlugin.provide(
  createComponentExtension({
    name: 'EntityClaudeCodeDoraCard',
    component: {
      lazy: () => import('./components/DoraCard').then(m => m.DoraCard),
    },
  }),
);

/**
 * The "Claude Code" tab of an entity page: a period picker, the three cards for that period,
 * usage and delivery tables with CSV export, sub-teams and members on a Group, and data quality.
 * Mount it with `EntityLayout.Route` where {@link isClaudeCodeAnalyticsAvailable} holds.
 *
 * @public
 */
export const EntityClaudeCodeContent = claudeCodeAnalyticsPlugin.provide(
  createRoutableExtension({
    name: 'EntityClaudeCodeContent',
    component: () =>
      import('./components/ClaudeCodeTab').then(m => m.ClaudeCodeTab),
    mountPoint: entityContentRouteRef,
  }),
);

/**
 * The organisation's Claude Code page: every group side by side, adoption cohorts, org-wide
 * trends and the status of the sources. Mount it with a `Route` at `/claude-code-analytics`.
 *
 * @public
 */
export const ClaudeCodeAnalyticsPage = claudeCodeAnalyticsPlugin.provide(
  createRoutableExtension({
    name: 'ClaudeCodeAnalyticsPage',
    component: () => import('./components/OrgPage').then(m => m.LegacyOrgPage),
    mountPoint: rootRouteRef,
  }),
);
