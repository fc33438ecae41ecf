import {
  ApiBlueprint,
  createFrontendPlugin,
  createRouteRef,
  discoveryApiRef,
  fetchApiRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import { isAnalyticsEntityKind } from 'backstage-plugin-claude-code-analytics-common';
import { claudeCodeAnalyticsApiRef, ClaudeCodeAnalyticsClient } from './api';
import { ClaudeCodeIcon } from './components/ClaudeCodeIcon';
import { defaultDaysConfigSchema } from './defaultDaysConfigSchema';
import { isClaudeCodeAnalyticsAvailable } from './isClaudeCodeAnalyticsAvailable';
import { isClaudeCodeDeliveryAvailable } from './isClaudeCodeDeliveryAvailable';

const orgPageRouteRef = createRouteRef();

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

const claudeCodeEntityContent = EntityContentBlueprint.makeWithOverrides({
  configSchema: { defaultDays: defaultDaysConfigSchema },
  factory(originalFactory, { config }) {
    return originalFactory({
      path: 'claude-code',
      title: 'Claude Code',
      icon: <ClaudeCodeIcon />,
      filter: entity => isAnalyticsEntityKind(entity.kind),
      loader: () =>
        import('./components/ClaudeCodeTab').then(m => (
          <m.ClaudeCodeTab defaultDays={config.defaultDays} />
        )),
    });
  },
});

const orgPage = PageBlueprint.makeWithOverrides({
  configSchema: { defaultDays: defaultDaysConfigSchema },
  factory(originalFactory, { config }) {
    return originalFactory({
      path: '/claude-code-analytics',
      routeRef: orgPageRouteRef,
      title: 'Claude Code',
      icon: <ClaudeCodeIcon />,
      loader: () =>
        import('./components/OrgPage').then(m => (
          <m.OrgPage defaultDays={config.defaultDays} />
        )),
    });
  },
});

/**
 * The Claude Code Analytics plugin for the new frontend system: the API client; the
 * `entity-card:claude-code-analytics/adoption` and `entity-card:claude-code-analytics/cost` cards
 * on User, Group, System, Domain and (with a `github.com/project-slug` annotation) Component
 * pages; the `entity-card:claude-code-analytics/dora` card on the same pages except User; the
 * `entity-content:claude-code-analytics` "Claude Code" tab on Component, Group, User, System and
 * Domain pages; and the `page:claude-code-analytics` org page at `/claude-code-analytics`, which
 * the app's nav shows as "Claude Code".
 *
 * @alpha
 */
export default createFrontendPlugin({
  pluginId: 'claude-code-analytics',
  title: 'Claude Code',
  icon: <ClaudeCodeIcon />,
  info: { packageJson: () => import('../package.json') },
  routes: { root: orgPageRouteRef },
  extensions: [
    claudeCodeAnalyticsApi,
    adoptionEntityCard,
    costEntityCard,
    doraEntityCard,
    claudeCodeEntityContent,
    orgPage,
  ],
});
