import { Entity } from '@backstage/catalog-model';
import {
  mockApis,
  registerMswTestHooks,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { AdoptionResponse } from 'backstage-plugin-claude-code-analytics-common';
import { Settings } from 'luxon';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { adoptionResponse } from '../../__fixtures__/adoptionResponse';
import {
  claudeCodeAnalyticsApiRef,
  ClaudeCodeAnalyticsClient,
} from '../../api';
import { AdoptionCard } from './AdoptionCard';

const adoptionUrl =
  'http://localhost:7007/api/claude-code-analytics/v1/entities/:kind/:namespace/:name/adoption';

const team: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name: 'team-a', title: 'Team A' },
  spec: { type: 'team', children: [] },
};

const jane: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'User',
  metadata: { name: 'jane' },
  spec: { memberOf: ['team-a'] },
};

const noUsage: AdoptionResponse = {
  ...adoptionResponse,
  activeUsers: 0,
  adoptionRate: 0,
  sessions: 0,
  activeSeconds: 0,
  linesAdded: 0,
  linesRemoved: 0,
  commitsByClaudeCode: 0,
  pullRequestsByClaudeCode: 0,
  toolDecisions: {},
  aiAssistedPullRequestShare: undefined,
  prompts: 0,
  promptCharacters: 0,
  apiRequests: 0,
  apiErrors: 0,
  apiErrorRate: undefined,
  toolResults: {},
  daily: adoptionResponse.daily.map(day => ({
    ...day,
    activeUsers: 0,
    sessions: 0,
    linesAdded: 0,
    linesRemoved: 0,
  })),
};

const suppressed: AdoptionResponse = { ...noUsage, suppressed: true };

function errorBody(status: number, message: string) {
  return HttpResponse.json(
    {
      error: { name: 'Error', message },
      request: { method: 'GET', url: '/v1/entities' },
      response: { statusCode: status },
    },
    { status },
  );
}

/** The values shown for a labelled number of the card. */
function statValues(label: string): string[] {
  const term = screen.getByText(label, { selector: 'dt' });
  const values: string[] = [];
  for (
    let element = term.nextElementSibling;
    element?.tagName === 'DD';
    element = element.nextElementSibling
  ) {
    values.push(element.textContent ?? '');
  }
  return values;
}

describe('AdoptionCard', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  const originalNow = Settings.now;
  beforeEach(() => {
    Settings.now = () => Date.parse('2025-01-04T12:00:00Z');
  });
  afterEach(() => {
    Settings.now = originalNow;
  });

  function renderCard(
    entity: Entity,
    options: { days?: number; config?: Record<string, any> } = {},
  ) {
    const client = new ClaudeCodeAnalyticsClient({
      discoveryApi: mockApis.discovery({ baseUrl: 'http://localhost:7007' }),
      fetchApi: mockApis.fetch(),
    });
    return renderInTestApp(
      <EntityProvider entity={entity}>
        <AdoptionCard days={options.days} />
      </EntityProvider>,
      {
        apis: [[claudeCodeAnalyticsApiRef, client]],
        config: options.config,
      },
    );
  }

  it('shows a loading state, then the numbers of the response', async () => {
    const requests: URL[] = [];
    server.use(
      http.get(adoptionUrl, ({ request }) => {
        requests.push(new URL(request.url));
        return HttpResponse.json(adoptionResponse);
      }),
    );

    renderCard(team);

    expect(
      await screen.findByRole('progressbar', {
        name: 'Loading Claude Code adoption',
      }),
    ).toBeInTheDocument();
    expect(await screen.findByText('Active users')).toBeInTheDocument();

    expect(requests.map(url => url.pathname + url.search)).toEqual([
      '/api/claude-code-analytics/v1/entities/group/default/team-a/adoption?from=2024-12-05&to=2025-01-03',
    ]);
    expect(
      screen.getByText('Last 30 days, 2024-12-05 to 2025-01-03 (UTC)'),
    ).toBeInTheDocument();

    expect(statValues('Active users')).toEqual(['12 of 40', '30% adoption']);
    expect(statValues('Sessions')).toEqual(['1.2k']);
    expect(screen.getByText('1.2k')).toHaveAttribute('title', '1,234');
    expect(statValues('Active time')).toEqual(['2.5 h']);
    expect(statValues('Lines added')).toEqual(['45.7k']);
    expect(statValues('Lines removed')).toEqual(['340']);
    expect(statValues('Commits by Claude Code')).toEqual(['87']);
    expect(statValues('PRs by Claude Code')).toEqual(['21']);
    expect(statValues('AI-assisted merged PRs')).toEqual(['35%']);
    // 3,210 prompts; 160 failed of 15,840 + 160 API calls.
    expect(statValues('Prompts')).toEqual(['3.2k']);
    expect(screen.getByText('3.2k')).toHaveAttribute('title', '3,210');
    expect(statValues('API error rate')).toEqual([
      '1%',
      '160 of 16k calls failed',
    ]);
    expect(screen.getByText('1%')).toHaveAttribute(
      'title',
      '160 of 16,000 API calls failed',
    );

    const toolRates = within(
      screen.getByRole('list', { name: 'Accept rate by edit tool' }),
    ).getAllByRole('listitem');
    expect(toolRates.map(item => item.textContent)).toEqual([
      'Edit90% of 1k',
      'Write75% of 40',
    ]);
    expect(
      screen.getByRole('progressbar', { name: 'Edit accept rate' }),
    ).toHaveAttribute('aria-valuenow', '90');

    expect(
      screen.getByRole('img', {
        name: 'Daily active users and sessions from 2025-01-01 to 2025-01-03',
      }),
    ).toBeInTheDocument();
    expect(screen.getByText('Sources: demo: 3 h ago')).toBeInTheDocument();
  });

  it('asks for the number of days it is given', async () => {
    const requests: URL[] = [];
    server.use(
      http.get(adoptionUrl, ({ request }) => {
        requests.push(new URL(request.url));
        return HttpResponse.json(adoptionResponse);
      }),
    );

    renderCard(team, { days: 7 });

    expect(await screen.findByText('Active users')).toBeInTheDocument();
    expect(requests[0].search).toBe('?from=2024-12-28&to=2025-01-03');
  });

  it('leaves out the AI-assisted share when the response has none', async () => {
    server.use(
      http.get(adoptionUrl, () =>
        HttpResponse.json({
          ...adoptionResponse,
          aiAssistedPullRequestShare: undefined,
        }),
      ),
    );

    renderCard(team);

    expect(await screen.findByText('Active users')).toBeInTheDocument();
    expect(
      screen.queryByText('AI-assisted merged PRs'),
    ).not.toBeInTheDocument();
  });

  it('shows the prompts and API error rate of the response', async () => {
    server.use(
      http.get(adoptionUrl, () =>
        HttpResponse.json({
          ...adoptionResponse,
          prompts: 12,
          promptCharacters: 480,
          apiRequests: 3,
          apiErrors: 1,
          apiErrorRate: 0.25,
        }),
      ),
    );

    renderCard(jane);

    expect(await screen.findByText('Active users')).toBeInTheDocument();
    expect(statValues('Prompts')).toEqual(['12']);
    expect(statValues('API error rate')).toEqual([
      '25%',
      '1 of 4 calls failed',
    ]);
  });

  it('leaves out prompts and the API error rate without OpenTelemetry events', async () => {
    const {
      prompts,
      promptCharacters,
      apiRequests,
      apiErrors,
      apiErrorRate,
      toolResults,
      ...olderBackend
    } = adoptionResponse;
    server.use(
      http.get(adoptionUrl, () => HttpResponse.json(olderBackend), {
        once: true,
      }),
      http.get(adoptionUrl, () =>
        HttpResponse.json({
          ...adoptionResponse,
          prompts: 0,
          apiRequests: 0,
          apiErrors: 0,
          apiErrorRate: undefined,
        }),
      ),
    );

    const { unmount } = await renderCard(team);
    expect(await screen.findByText('Active users')).toBeInTheDocument();
    expect(screen.queryByText('Prompts')).not.toBeInTheDocument();
    expect(screen.queryByText('API error rate')).not.toBeInTheDocument();
    unmount();

    await renderCard(team);
    expect(await screen.findByText('Active users')).toBeInTheDocument();
    expect(screen.queryByText('Prompts')).not.toBeInTheDocument();
    expect(screen.queryByText('API error rate')).not.toBeInTheDocument();
  });

  it('explains how to connect a source when there is no usage', async () => {
    server.use(http.get(adoptionUrl, () => HttpResponse.json(noUsage)));

    renderCard(team);

    expect(
      await screen.findByText('No Claude Code usage in this period.'),
    ).toBeInTheDocument();
    expect(screen.getByText(/OpenTelemetry \(OTLP\)/)).toHaveTextContent(
      /Admin API.*collector/,
    );
    expect(screen.getByText('Sources: demo: 3 h ago')).toBeInTheDocument();
    expect(screen.queryByText('Sessions')).not.toBeInTheDocument();
  });

  it('shows an error and fetches again on retry', async () => {
    let calls = 0;
    server.use(
      http.get(adoptionUrl, () => {
        calls += 1;
        return calls === 1
          ? errorBody(500, 'database unavailable')
          : HttpResponse.json(adoptionResponse);
      }),
    );

    renderCard(team);

    expect(
      await screen.findByText(/Could not load Claude Code adoption/),
    ).toBeInTheDocument();
    expect(screen.getByText(/database unavailable/)).toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));

    expect(await screen.findByText('Active users')).toBeInTheDocument();
    expect(statValues('Sessions')).toEqual(['1.2k']);
    expect(calls).toBe(2);
  });

  it('says that individual usage is private on 403', async () => {
    server.use(
      http.get(adoptionUrl, () =>
        errorBody(403, 'You may not read the usage of user:default/jane'),
      ),
    );

    renderCard(jane);

    expect(
      await screen.findByText(/Individual usage is private/),
    ).toHaveTextContent('only jane and people allowed');
    expect(
      screen.queryByRole('button', { name: 'Retry' }),
    ).not.toBeInTheDocument();
  });

  it('hides every number of a suppressed aggregate', async () => {
    server.use(http.get(adoptionUrl, () => HttpResponse.json(suppressed)));

    renderCard(team);

    expect(
      await screen.findByText(
        'Hidden for privacy: fewer than 5 active people in this period.',
      ),
    ).toBeInTheDocument();
    expect(screen.queryByText('Active users')).not.toBeInTheDocument();
    expect(screen.queryByText(/^Sources:/)).not.toBeInTheDocument();
    expect(screen.queryByText('40')).not.toBeInTheDocument();
  });

  it('names the configured minimum group size', async () => {
    server.use(http.get(adoptionUrl, () => HttpResponse.json(suppressed)));

    renderCard(team, {
      config: { claudeCodeAnalytics: { privacy: { minimumGroupSize: 8 } } },
    });

    expect(
      await screen.findByText(
        'Hidden for privacy: fewer than 8 active people in this period.',
      ),
    ).toBeInTheDocument();
  });
});
