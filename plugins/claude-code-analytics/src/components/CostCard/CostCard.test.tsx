import { Entity } from '@backstage/catalog-model';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { CostResponse } from 'backstage-plugin-claude-code-analytics-common';
import { costResponse } from '../../__fixtures__/costResponse';
import {
  errorResponse,
  renderWithAnalytics,
  serveEntityResource,
  setupAnalyticsServer,
} from '../../__testUtils__/analyticsTestServer';
import { statValues } from '../../__testUtils__/statList';
import { jane, teamA } from '../../__testUtils__/testEntities';
import { CostCard } from './CostCard';

const noTokens = { input: 0, output: 0, cacheRead: 0, cacheCreation: 0 };

const noUsage: CostResponse = {
  ...costResponse,
  costUsd: 0,
  tokens: noTokens,
  cacheHitRate: 0,
  unpricedTokens: 0,
  byModel: [],
  daily: costResponse.daily.map(day => ({ ...day, costUsd: 0 })),
  activeUsers: 0,
  costPerActiveUser: undefined,
  mergedPullRequests: 0,
  costPerMergedPullRequest: undefined,
  deployments: 0,
  costPerDeployment: undefined,
  monthToDateUsd: 0,
  monthEndProjectionUsd: 0,
};

const suppressed: CostResponse = {
  ...noUsage,
  daily: [],
  suppressed: true,
};

/** The cells of each row of the by-model table, header first. */
function modelRows(): string[][] {
  return within(screen.getByRole('table', { name: 'Spend by model' }))
    .getAllByRole('row')
    .map(row => Array.from(row.children).map(cell => cell.textContent ?? ''));
}

describe('CostCard', () => {
  const server = setupAnalyticsServer();

  function renderCard(
    entity: Entity,
    options: { days?: number; config?: Record<string, any> } = {},
  ) {
    return renderWithAnalytics(<CostCard days={options.days} />, {
      entity,
      config: options.config,
    });
  }

  it('shows a loading state, then the numbers of the response', async () => {
    const requests = serveEntityResource(server, 'cost', costResponse);

    renderCard(teamA);

    expect(
      await screen.findByRole('progressbar', {
        name: 'Loading Claude Code cost',
      }),
    ).toBeInTheDocument();
    expect(await screen.findByText('Spend')).toBeInTheDocument();

    expect(requests.map(url => url.pathname + url.search)).toEqual([
      '/api/claude-code-analytics/v1/entities/group/default/team-a/cost?from=2024-12-05&to=2025-01-03',
    ]);
    expect(screen.getByText('Claude Code cost')).toBeInTheDocument();
    expect(
      screen.getByText('Last 30 days, 2024-12-05 to 2025-01-03 (UTC)'),
    ).toBeInTheDocument();

    expect(statValues('Spend')).toEqual(['$3.4k', '46.7M tokens']);
    expect(statValues('Month to date')).toEqual(['$3.4k', '1–3 Jan 2025']);
    expect(statValues('Month-end projection')).toEqual([
      '$35.3k',
      'All of Jan 2025',
    ]);
    expect(screen.getByText('$35.3k')).toHaveAttribute(
      'title',
      "$35,263.22: the month's spend so far at its average daily rate",
    );
    expect(statValues('Per active user')).toEqual([
      '$284.38',
      '12 active users',
    ]);
    expect(statValues('Per merged PR')).toEqual(['$100.37', '34 merged PRs']);
    expect(statValues('Per deployment')).toEqual(['—', 'No deployments']);
    expect(screen.getByText('—')).toHaveAttribute(
      'title',
      'Not defined: no deployments in this period',
    );

    expect(
      screen.getByText(
        '52,500 tokens of models without a price are not in this total: add them under claudeCodeAnalytics.pricing.models',
      ),
    ).toBeInTheDocument();

    expect(modelRows()).toEqual([
      ['Model', 'Cost', 'Tokens'],
      ['claude-sonnet-4-5', '$2.9k', '42.1M'],
      ['claude-opus-4-1', '$522.32', '4.5M'],
      ['in-house-finetune', 'unpriced', '52.5k'],
    ]);
    expect(screen.getByText('unpriced')).toHaveAttribute(
      'title',
      'No price is known for this model: add one under claudeCodeAnalytics.pricing.models',
    );
    expect(screen.queryByText(/^\$0(\.00)?$/)).not.toBeInTheDocument();

    expect(statValues('Input')).toEqual(['1.4M']);
    expect(statValues('Output')).toEqual(['953k']);
    expect(statValues('Cache read')).toEqual(['42M']);
    expect(statValues('Cache creation')).toEqual(['2.4M']);
    expect(statValues('Cache hit rate')).toEqual(['92%']);

    expect(
      screen.getByRole('img', {
        name: 'Daily spend from 2025-01-01 to 2025-01-03',
      }),
    ).toBeInTheDocument();
  });

  it('asks for the number of days it is given', async () => {
    const requests = serveEntityResource(server, 'cost', costResponse);

    renderCard(teamA, { days: 7 });

    expect(await screen.findByText('Spend')).toBeInTheDocument();
    expect(requests[0].search).toBe('?from=2024-12-28&to=2025-01-03');
  });

  it('explains every unit cost the period has no units for', async () => {
    serveEntityResource(server, 'cost', {
      ...costResponse,
      activeUsers: 0,
      costPerActiveUser: undefined,
      mergedPullRequests: 0,
      costPerMergedPullRequest: undefined,
    });

    renderCard(teamA);

    expect(await screen.findByText('Spend')).toBeInTheDocument();
    expect(statValues('Per active user')).toEqual(['—', 'No active users']);
    expect(statValues('Per merged PR')).toEqual(['—', 'No merged PRs']);
    expect(statValues('Per deployment')).toEqual(['—', 'No deployments']);
    expect(
      screen.getAllByText('—').map(dash => dash.getAttribute('title')),
    ).toEqual([
      'Not defined: no active users in this period',
      'Not defined: no merged PRs in this period',
      'Not defined: no deployments in this period',
    ]);
  });

  it('marks a partly priced model and leaves out the warning without unpriced tokens', async () => {
    serveEntityResource(server, 'cost', {
      ...costResponse,
      unpricedTokens: 0,
      byModel: [{ ...costResponse.byModel[0], costUsd: 12.5, unpriced: true }],
    });

    renderCard(teamA);

    expect(await screen.findByText('Spend')).toBeInTheDocument();
    expect(modelRows()[1]).toEqual([
      'claude-sonnet-4-5',
      '$12.50 + unpriced',
      '42.1M',
    ]);
    expect(
      screen.queryByText(/models without a price/),
    ).not.toBeInTheDocument();
  });

  it('shows usage of models without a price as usage, not as an empty period', async () => {
    const unpricedOnly: CostResponse = {
      ...noUsage,
      tokens: { ...noTokens, input: 900, output: 100 },
      unpricedTokens: 1000,
      byModel: [
        {
          model: 'in-house-finetune',
          costUsd: 0,
          tokens: { ...noTokens, input: 900, output: 100 },
          unpriced: true,
        },
      ],
    };
    serveEntityResource(server, 'cost', unpricedOnly);

    renderCard(teamA);

    expect(await screen.findByText('Spend')).toBeInTheDocument();
    expect(modelRows()[1]).toEqual(['in-house-finetune', 'unpriced', '1k']);
    expect(
      screen.getByText(/^1,000 tokens of models without a price/),
    ).toBeInTheDocument();
    expect(
      screen.queryByText('No Claude Code usage in this period.'),
    ).not.toBeInTheDocument();
  });

  it('explains how to connect a source when there is no usage', async () => {
    serveEntityResource(server, 'cost', noUsage);

    renderCard(teamA);

    expect(
      await screen.findByText('No Claude Code usage in this period.'),
    ).toBeInTheDocument();
    expect(screen.getByText(/OpenTelemetry \(OTLP\)/)).toHaveTextContent(
      /Admin API.*collector/,
    );
    expect(screen.queryByText('Spend')).not.toBeInTheDocument();
  });

  it('shows an error and fetches again on retry', async () => {
    let calls = 0;
    serveEntityResource(server, 'cost', () => {
      calls += 1;
      return calls === 1
        ? errorResponse(500, 'database unavailable')
        : costResponse;
    });

    renderCard(teamA);

    expect(
      await screen.findByText(/Could not load Claude Code cost/),
    ).toBeInTheDocument();
    expect(screen.getByText(/database unavailable/)).toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));

    expect(await screen.findByText('Spend')).toBeInTheDocument();
    expect(statValues('Spend')).toEqual(['$3.4k', '46.7M tokens']);
    expect(calls).toBe(2);
  });

  it('says that individual usage is private on 403', async () => {
    serveEntityResource(server, 'cost', () =>
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
    serveEntityResource(server, 'cost', suppressed);

    renderCard(teamA);

    expect(
      await screen.findByText(
        'Hidden for privacy: fewer than 5 active people in this period.',
      ),
    ).toBeInTheDocument();
    expect(screen.queryByText('Spend')).not.toBeInTheDocument();
    expect(screen.queryByText(/\$/)).not.toBeInTheDocument();
  });

  it('names the configured minimum group size', async () => {
    serveEntityResource(server, 'cost', suppressed);

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
