import {
  ApiBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { claudeCodeAnalyticsApiRef, ClaudeCodeAnalyticsClient } from './api';
import { isClaudeCodeAnalyticsAvailable } from './isClaudeCodeAnalyticsAvailable';
import { isClaudeCodeDeliveryAvailable } from './isClaudeCodeDeliveryAvailable';

const claudeCodeAnalyticsApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: claudeCodeAnalyticsApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new ClaudeCodeAnalyticsClient({ discoveryApi, fetchApi }),
    }),
});

const adoptionEntityCard = EntityCardBlueprint.make({
  name: 'adoption',
  params: {
    filter: isClaudeCodeAnalyticsAvailable,
    loader: () =>
      import('./components/AdoptionCard').then(m => <m.AdoptionCard />),
  },
});

const costEntityCard = EntityCardBlueprint.make({
  name: 'cost',
  params: {
    filter: isClaudeCodeAnalyticsAvailable,
    loader: () => import('./components/CostCard').then(m => <m.CostCard />),
  },
});

const doraEntityCard = EntityCardBlueprint.make({
  name: 'dora',
  params: {
    filter: isClaudeCodeDeliveryAvailable,
    loader: () => import('./components/DoraCard').then(m => <m.DoraCard />),
  },
});

/**
 * The Claude Code Analytics plugin for the new frontend system: the API client; the
 * `entity-card:claude-code-analytics/adoption` and `entity-card:claude-code-analytics/cost` cards
 * on User, Group, System, Domain and (with a `github.com/project-slug` annotation) Component
 * pages; and the `entity-card:claude-code-analytics/dora` card on the same pages except User.
 *
 * @alpha
 */
export default createFrontendPlugin({
  pluginId: 'claude-code-analytics',
  title: 'Claude Code Analytics',
  info: { packageJson: () => import('../package.json') },
  extensions: [
    claudeCodeAnalyticsApi,
    adoptionEntityCard,
    costEntityCard,
    doraEntityCard,
  ],
});
