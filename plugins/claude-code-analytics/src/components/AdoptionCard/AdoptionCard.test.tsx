import { Entity } from '@backstage/catalog-model';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { AdoptionResponse } from 'backstage-plugin-claude-code-analytics-common';
import { http, HttpResponse } from 'msw';
import { adoptionResponse } from '../../__fixtures__/adoptionResponse';
import {
  entityResourceUrl,
  errorResponse,
  renderWithAnalytics,
  serveEntityResource,
  setupAnalyticsServer,
} from '../../__testUtils__/analyticsTestServer';
import { statValues } from '../../__testUtils__/statList';
import { jane, teamA } from '../../__testUtils__/testEntities';
import { AdoptionCard } from './AdoptionCard';

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

describe('AdoptionCard', () => {
  const server = setupAnalyticsServer();

  function renderCard(
    entity: Entity,
    options: { days?: number; config?: Record<string, any> } = {},
  ) {
    return renderWithAnalytics(<AdoptionCard days={options.days} />, {
      entity,
      config: options.config,
    });
  }

  it('shows a loading state, then the numbers of the response', async () => {
    const requests = serveEntityResource(server, 'adoption', adoptionResponse);

    renderCard(teamA);

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
    const requests = serveEntityResource(server, 'adoption', adoptionResponse);

    renderCard(teamA, { days: 7 });

    expect(await screen.findByText('Active users')).toBeInTheDocument();
    expect(requests[0].search).toBe('?from=2024-12-28&to=2025-01-03');
  });

  it('leaves out the AI-assisted share when the response has none', async () => {
    serveEntityResource(server, 'adoption', {
      ...adoptionResponse,
      aiAssistedPullRequestShare: undefined,
    });

    renderCard(teamA);

    expect(await screen.findByText('Active users')).toBeInTheDocument();
    expect(
      screen.queryByText('AI-assisted merged PRs'),
    ).not.toBeInTheDocument();
  });

  it('shows the prompts and API error rate of the response', async () => {
    serveEntityResource(server, 'adoption', {
      ...adoptionResponse,
      prompts: 12,
      promptCharacters: 480,
      apiRequests: 3,
      apiErrors: 1,
      apiErrorRate: 0.25,
    });

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
    const adoptionUrl = entityResourceUrl('adoption');
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

    const { unmount } = await renderCard(teamA);
    expect(await screen.findByText('Active users')).toBeInTheDocument();
    expect(screen.queryByText('Prompts')).not.toBeInTheDocument();
    expect(screen.queryByText('API error rate')).not.toBeInTheDocument();
    unmount();

    await renderCard(teamA);
    expect(await screen.findByText('Active users')).toBeInTheDocument();
    expect(screen.queryByText('Prompts')).not.toBeInTheDocument();
    expect(screen.queryByText('API error rate')).not.toBeInTheDocument();
  });

  it('explains how to connect a source when there is no usage', async () => {
    serveEntityResource(server, 'adoption', noUsage);

    renderCard(teamA);

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
    serveEntityResource(server, 'adoption', () => {
      calls += 1;
      return calls === 1
        ? errorResponse(500, 'database unavailable')
        : adoptionResponse;
    });

    renderCard(teamA);

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
    serveEntityResource(server, 'adoption', () =>
      errorResponse(403, 'You may not read the usage of user:default/jane'),
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
    serveEntityResource(server, 'adoption', suppressed);

    renderCard(teamA);

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
    serveEntityResource(server, 'adoption', suppressed);

    renderCard(teamA, {
      config: { claudeCodeAnalytics: { privacy: { minimumGroupSize: 8 } } },
    });

    expect(
      await screen.findByText(
        'Hidden for privacy: fewer than 8 active people in this period.',
      ),
    ).toBeInTheDocument();
  });
});
