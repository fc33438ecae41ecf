import { Entity } from '@backstage/catalog-model';
import { ApiBlueprint } from '@backstage/frontend-plugin-api';
import {
  createExtensionTester,
  mockApis,
  registerMswTestHooks,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import { coreExtensionData } from '@backstage/frontend-plugin-api';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { screen } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { adoptionResponse } from './__fixtures__/adoptionResponse';
import { costResponse } from './__fixtures__/costResponse';
import { childrenResponse } from './__fixtures__/childrenResponse';
import { deliveryResponse } from './__fixtures__/deliveryResponse';
import { groupsResponse } from './__fixtures__/groupsResponse';
import { membersResponse } from './__fixtures__/membersResponse';
import { statusResponse } from './__fixtures__/statusResponse';
import { ClaudeCodeAnalyticsApi, claudeCodeAnalyticsApiRef } from './api';
import plugin from './alpha';

const team: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name: 'team-a' },
  spec: { type: 'team', children: [] },
};

function component(annotations?: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'payments', annotations },
    spec: { type: 'service', lifecycle: 'production', owner: 'team-a' },
  };
}

function mockAnalyticsApi(): jest.Mocked<ClaudeCodeAnalyticsApi> {
  return {
    getAdoption: jest.fn().mockResolvedValue(adoptionResponse),
    getCost: jest.fn().mockResolvedValue(costResponse),
    getDelivery: jest.fn().mockResolvedValue(deliveryResponse),
    getChildren: jest.fn().mockResolvedValue(childrenResponse),
    getMembers: jest.fn().mockResolvedValue(membersResponse),
    getGroups: jest.fn().mockResolvedValue(groupsResponse),
    getStatus: jest.fn().mockResolvedValue(statusResponse),
  };
}

describe('claude-code-analytics alpha plugin', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  const card = plugin.getExtension(
    'entity-card:claude-code-analytics/adoption',
  );
  const costCard = plugin.getExtension(
    'entity-card:claude-code-analytics/cost',
  );
  const doraCard = plugin.getExtension(
    'entity-card:claude-code-analytics/dora',
  );

  it('provides the client of the analytics api', () => {
    const factory = createExtensionTester(
      plugin.getExtension('api:claude-code-analytics'),
    ).get(ApiBlueprint.dataRefs.factory);

    expect(plugin.pluginId).toBe('claude-code-analytics');
    expect(factory.api.id).toBe('plugin.claude-code-analytics.service');
    expect(
      Object.values(factory.deps)
        .map(ref => ref.id)
        .sort(),
    ).toEqual(['core.discovery', 'core.fetch']);
  });

  /** Which of a team, a component with a repository and one without a card shows on. */
  function whereShown(filter: ((entity: Entity) => boolean) | undefined) {
    return {
      team: filter?.(team),
      componentWithRepository: filter?.(
        component({ 'github.com/project-slug': 'acme/payments' }),
      ),
      componentWithoutRepository: filter?.(component()),
    };
  }

  const shownOnlyWithAnalytics = {
    team: true,
    componentWithRepository: true,
    componentWithoutRepository: false,
  };

  it('shows the adoption card only on entities with analytics', () => {
    const filter = createExtensionTester(card).get(
      EntityCardBlueprint.dataRefs.filterFunction,
    );

    expect(whereShown(filter)).toEqual(shownOnlyWithAnalytics);
  });

  it('shows the cost card only on entities with analytics', () => {
    const filter = createExtensionTester(costCard).get(
      EntityCardBlueprint.dataRefs.filterFunction,
    );

    expect(whereShown(filter)).toEqual(shownOnlyWithAnalytics);
  });

  it('shows the DORA card on entities with delivery, never on a User', () => {
    const filter = createExtensionTester(doraCard).get(
      EntityCardBlueprint.dataRefs.filterFunction,
    );
    const jane: Entity = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'User',
      metadata: { name: 'jane' },
      spec: { memberOf: ['team-a'] },
    };

    expect(whereShown(filter)).toEqual(shownOnlyWithAnalytics);
    expect(filter?.(jane)).toBe(false);
  });

  it('renders the adoption card of the current entity', async () => {
    const analyticsApi = mockAnalyticsApi();

    await renderInTestApp(
      <EntityProvider entity={team}>
        {createExtensionTester(card).reactElement()}
      </EntityProvider>,
      { apis: [[claudeCodeAnalyticsApiRef, analyticsApi]] },
    );

    expect(await screen.findByText('Claude Code adoption')).toBeInTheDocument();
    expect(await screen.findByText('12 of 40')).toBeInTheDocument();
    expect(analyticsApi.getAdoption).toHaveBeenCalledWith(
      expect.objectContaining({ entityRef: 'group:default/team-a' }),
    );
  });

  it('renders the cost card of the current entity', async () => {
    const analyticsApi = mockAnalyticsApi();

    await renderInTestApp(
      <EntityProvider entity={team}>
        {createExtensionTester(costCard).reactElement()}
      </EntityProvider>,
      { apis: [[claudeCodeAnalyticsApiRef, analyticsApi]] },
    );

    expect(await screen.findByText('Claude Code cost')).toBeInTheDocument();
    expect(await screen.findByText('$35.3k')).toBeInTheDocument();
    expect(analyticsApi.getCost).toHaveBeenCalledWith(
      expect.objectContaining({ entityRef: 'group:default/team-a' }),
    );
    expect(analyticsApi.getAdoption).not.toHaveBeenCalled();
  });

  it('wires the card to the real client when the plugin is installed', async () => {
    server.use(
      http.get(
        'http://localhost:7007/api/claude-code-analytics/v1/entities/group/default/team-a/adoption',
        () => HttpResponse.json(adoptionResponse),
      ),
    );

    await renderInTestApp(
      <EntityProvider entity={team}>
        {createExtensionTester(card).reactElement()}
      </EntityProvider>,
      {
        features: [plugin],
        apis: [mockApis.discovery({ baseUrl: 'http://localhost:7007' })],
      },
    );

    expect(await screen.findByText('12 of 40')).toBeInTheDocument();
  });

  it('wires the cost card to the real client when the plugin is installed', async () => {
    server.use(
      http.get(
        'http://localhost:7007/api/claude-code-analytics/v1/entities/group/default/team-a/cost',
        () => HttpResponse.json(costResponse),
      ),
    );

    await renderInTestApp(
      <EntityProvider entity={team}>
        {createExtensionTester(costCard).reactElement()}
      </EntityProvider>,
      {
        features: [plugin],
        apis: [mockApis.discovery({ baseUrl: 'http://localhost:7007' })],
      },
    );

    expect(await screen.findByText('$35.3k')).toBeInTheDocument();
  });

  it('renders the DORA card of the current entity', async () => {
    const analyticsApi = mockAnalyticsApi();

    await renderInTestApp(
      <EntityProvider entity={team}>
        {createExtensionTester(doraCard).reactElement()}
      </EntityProvider>,
      { apis: [[claudeCodeAnalyticsApiRef, analyticsApi]] },
    );

    expect(await screen.findByText('Delivery (DORA)')).toBeInTheDocument();
    expect(await screen.findByText('10.5 per week')).toBeInTheDocument();
    expect(analyticsApi.getDelivery).toHaveBeenCalledWith(
      expect.objectContaining({ entityRef: 'group:default/team-a' }),
    );
    expect(analyticsApi.getAdoption).not.toHaveBeenCalled();
  });

  it('wires the DORA card to the real client when the plugin is installed', async () => {
    server.use(
      http.get(
        'http://localhost:7007/api/claude-code-analytics/v1/entities/group/default/team-a/delivery',
        () => HttpResponse.json(deliveryResponse),
      ),
    );

    await renderInTestApp(
      <EntityProvider entity={team}>
        {createExtensionTester(doraCard).reactElement()}
      </EntityProvider>,
      {
        features: [plugin],
        apis: [mockApis.discovery({ baseUrl: 'http://localhost:7007' })],
      },
    );

    expect(await screen.findByText('10.5 per week')).toBeInTheDocument();
  });

  const content = plugin.getExtension('entity-content:claude-code-analytics');
  const page = plugin.getExtension('page:claude-code-analytics');

  it('adds the Claude Code tab at claude-code to the five analytics kinds', () => {
    const tester = createExtensionTester(content);
    const filter = tester.get(EntityContentBlueprint.dataRefs.filterFunction);

    expect(tester.get(coreExtensionData.routePath)).toBe('claude-code');
    expect(tester.get(EntityContentBlueprint.dataRefs.title)).toBe(
      'Claude Code',
    );
    expect(
      ['Component', 'Group', 'User', 'System', 'Domain', 'API', 'Resource'].map(
        kind => filter?.({ ...team, kind }),
      ),
    ).toEqual([true, true, true, true, true, false, false]);
  });

  it('renders the tab for the configured default period', async () => {
    const analyticsApi = mockAnalyticsApi();

    await renderInTestApp(
      <EntityProvider entity={team}>
        {createExtensionTester(content, {
          config: { defaultDays: 7 },
        }).reactElement()}
      </EntityProvider>,
      { apis: [[claudeCodeAnalyticsApiRef, analyticsApi]] },
    );

    expect(await screen.findByText('Claude Code adoption')).toBeInTheDocument();
    expect(
      await screen.findByRole('table', { name: 'Sub-teams' }),
    ).toBeInTheDocument();
    const { from, to } = analyticsApi.getAdoption.mock.calls[0][0];
    expect((Date.parse(to) - Date.parse(from)) / 86_400_000 + 1).toBe(7);
  });

  it('adds the org page at /claude-code-analytics, shown in the nav as Claude Code', async () => {
    const tester = createExtensionTester(page);

    expect(tester.get(coreExtensionData.routePath)).toBe(
      '/claude-code-analytics',
    );
    expect(tester.get(coreExtensionData.routeRef)).toBeDefined();
    expect(tester.get(coreExtensionData.title)).toBe('Claude Code');
    expect(tester.get(coreExtensionData.icon)).toBeTruthy();
  });

  it('renders the org page', async () => {
    const analyticsApi = mockAnalyticsApi();

    await renderInTestApp(createExtensionTester(page).reactElement(), {
      apis: [[claudeCodeAnalyticsApiRef, analyticsApi]],
    });

    expect(
      await screen.findByRole('table', { name: 'Groups' }),
    ).toBeInTheDocument();
    expect(analyticsApi.getGroups).toHaveBeenCalledTimes(1);
  });

  it('refuses a default period that is not a whole number of days', () => {
    expect(() =>
      createExtensionTester(content, {
        config: { defaultDays: 0 },
      }).reactElement(),
    ).toThrow(/defaultDays/);
  });
});
