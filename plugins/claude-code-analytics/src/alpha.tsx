import {
  ApiBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { claudeCodeAnalyticsApiRef, ClaudeCodeAnalyticsClient } from './api';
import { isClaudeCodeAnalyticsAvailable } from './isClaudeCodeAnalyticsAvailable';

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

/**
 * The Claude Code Analytics plugin for the new frontend system: the API client and the
 * `entity-card:claude-code-analytics/adoption` and `entity-card:claude-code-analytics/cost` cards
 * on User, Group, System, Domain and (with a `github.com/project-slug` annotation) Component
 * pages.
 *
 * @alpha
 */
export default createFrontendPlugin({
  pluginId: 'claude-code-analytics',
  title: 'Claude Code Analytics',
  info: { packageJson: () => import('../package.json') },
  extensions: [claudeCodeAnalyticsApi, adoptionEntityCard, costEntityCard],
});
