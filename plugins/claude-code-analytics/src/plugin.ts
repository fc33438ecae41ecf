import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { claudeCodeAnalyticsApiRef, ClaudeCodeAnalyticsClient } from './api';

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
