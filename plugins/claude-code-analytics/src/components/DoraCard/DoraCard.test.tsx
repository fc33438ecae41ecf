import { Entity } from '@backstage/catalog-model';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { DeliveryResponse } from 'backstage-plugin-claude-code-analytics-common';
import { deliveryResponse } from '../../__fixtures__/deliveryResponse';
import {
  errorResponse,
  renderWithAnalytics,
  serveEntityResource,
  setupAnalyticsServer,
} from '../../__testUtils__/analyticsTestServer';
import { statDescriptions, statValues } from '../../__testUtils__/statList';
import { teamA } from '../../__testUtils__/testEntities';
import { DoraCard } from './DoraCard';

const payments: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'payments',
    annotations: { 'github.com/project-slug': 'acme/payments' },
  },
  spec: { type: 'service', lifecycle: 'production', owner: 'team-a' },
};

/** No deployments or changes in the period: every metric without a sample. */
const quietPeriod: DeliveryResponse = {
  ...deliveryResponse,
  deployments: 0,
  mergedPullRequests: 0,
  aiAssistedPullRequests: 0,
  deploymentFrequency: { perWeek: 0, tier: 'low' },
  leadTime: {},
  changeFailureRate: {},
  recoveryTime: {},
  reworkRate: {},
  cycleTime: {},
  samples: { leadTime: 0, changeFailureRate: 0, recoveryTime: 0, cycleTime: 0 },
};

/** The element of a labelled number's value, for its tooltip. */
function statValue(label: string): Element {
  return statDescriptions(label)[0];
}

/** The cells of each row of the AI-assisted vs other table, header first. */
function splitRows(): string[][] {
  return within(screen.getByRole('table', { name: 'AI-assisted vs other PRs' }))
    .getAllByRole('row')
    .map(row => Array.from(row.children).map(cell => cell.textContent ?? ''));
}

describe('DoraCard', () => {
  const server = setupAnalyticsServer();

  function renderCard(entity: Entity, options: { days?: number } = {}) {
    return renderWithAnalytics(<DoraCard days={options.days} />, { entity });
  }

  it('shows a loading state, then the metrics, tiers and changes of the response', async () => {
    const requests = serveEntityResource(server, 'delivery', deliveryResponse);

    renderCard(teamA);

    expect(
      await screen.findByRole('progressbar', {
        name: 'Loading Delivery (DORA)',
      }),
    ).toBeInTheDocument();
    expect(await screen.findByText('Deployment frequency')).toBeInTheDocument();

    expect(requests.map(url => url.pathname + url.search)).toEqual([
      '/api/claude-code-analytics/v1/entities/group/default/team-a/delivery?from=2024-12-05&to=2025-01-03',
    ]);
    expect(screen.getByText('Delivery (DORA)')).toBeInTheDocument();
    expect(
      screen.getByText('Last 30 days, 2024-12-05 to 2025-01-03 (UTC)'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/^2 of 3 components with delivery data/),
    ).toHaveTextContent(
      '2 of 3 components with delivery data · 48 merged PRs, 18 AI-assisted · changes against 2024-11-05 to 2024-12-04',
    );

    expect(statValues('Deployment frequency')).toEqual([
      '10.5 per week',
      '45 deployments',
      'DORA tier: High',
      '▲ +3.5 per week (better)',
    ]);
    expect(statValues('Change lead time')).toEqual([
      '2.5 h',
      'median of 45 changes',
      'DORA tier: Elite',
      '▼ −1.5 h (better)',
    ]);
    expect(statValues('Change failure rate')).toEqual([
      '8%',
      'of 45 deployments',
      'DORA tier: High',
      '▲ +3 pp (worse)',
    ]);
    expect(statValues('Failed deployment recovery time')).toEqual([
      '3.1 d',
      'median of 4 failures',
      'DORA tier: Low',
      'No previous value to compare',
    ]);
    expect(statValues('Deployment rework rate')).toEqual([
      '4%',
      'of 45 deployments',
      '→ No change',
    ]);

    expect(statValue('Change lead time')).toHaveAttribute(
      'title',
      'Median 2.5 h, p75 1.3 d from first commit to running in production',
    );
    expect(screen.getByText('Elite')).toHaveAttribute(
      'title',
      'Elite tier (DORA 2024 tiers)',
    );
    expect(screen.getAllByText('High')[1]).toHaveAttribute(
      'title',
      'High tier (Apache DevLake tiers)',
    );
    expect(statDescriptions('Change failure rate')[3]).toHaveAttribute(
      'title',
      'Previous period, 2024-11-05 to 2024-12-04: 5%',
    );

    expect(screen.getByText(/over 46 pull requests/)).toHaveTextContent(
      'Median 1.3 d over 46 pull requests',
    );
    expect(
      screen.getByRole('img', {
        name: 'Median PR cycle time by phase: coding 12 h, pickup 4 h, review 6 h, deploy 2 h',
      }),
    ).toBeInTheDocument();
    expect(
      within(screen.getByRole('list', { name: 'PR cycle time by phase' }))
        .getAllByRole('listitem')
        .map(item => item.textContent),
    ).toEqual(['Coding 12 h', 'Pickup 4 h', 'Review 6 h', 'Deploy 2 h']);

    expect(splitRows()).toEqual([
      ['Metric', 'AI-assisted', 'Other'],
      ['Merged PRs', '18', '30'],
      ['Change lead time (median)', '20 h (n = 17)', '3.1 d (n = 28)'],
      ['PR cycle time (median)', '15 h (n = 17)', '2.5 d (n = 29)'],
      ['Change failure rate', '5% (n = 20)', '12% (n = 25)'],
    ]);
    expect(
      screen.queryByText(/Not enough data to compare/),
    ).not.toBeInTheDocument();
  });

  it('asks for the number of days it is given', async () => {
    const requests = serveEntityResource(server, 'delivery', deliveryResponse);

    renderCard(payments, { days: 7 });

    expect(await screen.findByText('Deployment frequency')).toBeInTheDocument();
    expect(requests.map(url => url.pathname + url.search)).toEqual([
      '/api/claude-code-analytics/v1/entities/component/default/payments/delivery?from=2024-12-28&to=2025-01-03',
    ]);
  });

  it('judges a fall in deployment frequency and a rise in lead time as worse', async () => {
    serveEntityResource(server, 'delivery', {
      ...deliveryResponse,
      deploymentFrequency: { perWeek: 3, tier: 'high' },
      leadTime: { medianHours: 100, tier: 'high' },
      changeFailureRate: { value: 0.02, tier: 'elite' },
    });

    renderCard(teamA);

    expect(await screen.findByText('Deployment frequency')).toBeInTheDocument();
    expect(statValues('Deployment frequency')[3]).toBe('▼ −4 per week (worse)');
    expect(statValues('Change lead time')[3]).toBe('▲ +4 d (worse)');
    expect(statValues('Change failure rate')[3]).toBe('▼ −3 pp (better)');
  });

  it('shows a dash that says why for every metric without a sample', async () => {
    serveEntityResource(server, 'delivery', quietPeriod);

    renderCard(teamA);

    expect(await screen.findByText('Deployment frequency')).toBeInTheDocument();
    expect(statValues('Deployment frequency')).toEqual([
      '0 per week',
      '0 deployments',
      'DORA tier: Low',
      '▼ −7 per week (worse)',
    ]);
    expect(statValues('Change lead time')).toEqual([
      '—',
      'median of 0 changes',
    ]);
    expect(statValues('Change failure rate')).toEqual([
      '—',
      'of 0 deployments',
    ]);
    expect(statValues('Failed deployment recovery time')).toEqual([
      '—',
      'median of 0 failures',
    ]);
    expect(statValues('Deployment rework rate')).toEqual([
      '—',
      'of 0 deployments',
    ]);
    expect(statValue('Change lead time')).toHaveAttribute(
      'title',
      'Not enough data: no changes reached production in this period',
    );
    expect(statValue('Failed deployment recovery time')).toHaveAttribute(
      'title',
      'Not enough data: no failed deployment recovered in this period',
    );
    expect(
      screen.getByText(
        'Not enough data: no merged pull requests in this period.',
      ),
    ).toBeInTheDocument();
  });

  it('shows a dash for a phase of the cycle time without a sample', async () => {
    serveEntityResource(server, 'delivery', {
      ...deliveryResponse,
      cycleTime: { codingHours: 12, pickupHours: 4, reviewHours: 6 },
    });

    renderCard(teamA);

    const legend = await screen.findByRole('list', {
      name: 'PR cycle time by phase',
    });
    const items = within(legend).getAllByRole('listitem');
    expect(items.map(item => item.textContent)).toEqual([
      'Coding 12 h',
      'Pickup 4 h',
      'Review 6 h',
      'Deploy —',
    ]);
    expect(items[3]).toHaveAttribute(
      'title',
      'Not enough data: merged to running in production',
    );
    expect(screen.getByText(/over 46 pull requests/)).toHaveTextContent(
      'Median by phase over 46 pull requests',
    );
  });

  it('says there is not enough data to compare AI-assisted and other PRs', async () => {
    serveEntityResource(server, 'delivery', {
      ...deliveryResponse,
      split: {
        aiAssisted: {
          ...deliveryResponse.split.aiAssisted,
          mergedPullRequests: 2,
        },
        other: deliveryResponse.split.other,
        comparable: false,
      },
    });

    renderCard(teamA);

    expect(
      await screen.findByText(/Not enough data to compare/),
    ).toHaveTextContent(
      'Not enough data to compare: 2 AI-assisted and 30 other merged PRs in this period.',
    );
    expect(
      screen.queryByRole('table', { name: 'AI-assisted vs other PRs' }),
    ).not.toBeInTheDocument();
  });

  it('explains how to connect GitHub when no component has delivery data', async () => {
    serveEntityResource(server, 'delivery', {
      ...quietPeriod,
      componentsWithData: 0,
    });

    renderCard(teamA);

    expect(
      await screen.findByText('No delivery data yet for 3 components.'),
    ).toBeInTheDocument();
    expect(screen.getByText(/integrations\.github/)).toHaveTextContent(
      /token or a GitHub App.*github\.com\/project-slug.*POST \/api\/claude-code-analytics\/v1\/import/,
    );
    expect(screen.queryByText('Deployment frequency')).not.toBeInTheDocument();
    expect(
      screen.queryByText('No Claude Code usage in this period.'),
    ).not.toBeInTheDocument();
  });

  it('shows an error and fetches again on retry', async () => {
    let calls = 0;
    serveEntityResource(server, 'delivery', () => {
      calls += 1;
      return calls === 1
        ? errorResponse(500, 'database unavailable')
        : deliveryResponse;
    });

    renderCard(teamA);

    expect(
      await screen.findByText(/Could not load Delivery \(DORA\)/),
    ).toBeInTheDocument();
    expect(screen.getByText(/database unavailable/)).toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));

    expect(await screen.findByText('Deployment frequency')).toBeInTheDocument();
    expect(statValues('Change lead time')[0]).toBe('2.5 h');
    expect(calls).toBe(2);
  });

  it('shows the error of an unknown entity', async () => {
    serveEntityResource(server, 'delivery', () =>
      errorResponse(
        404,
        'No component component:default/payments in the catalog',
      ),
    );

    renderCard(payments);

    expect(
      await screen.findByText(/Could not load Delivery \(DORA\)/),
    ).toBeInTheDocument();
    expect(
      screen.getAllByText(/No component component:default\/payments/)[0],
    ).toBeInTheDocument();
  });

  it('says the viewer may not see the delivery on 403, without a retry', async () => {
    serveEntityResource(server, 'delivery', () =>
      errorResponse(403, 'Not allowed'),
    );

    renderCard(teamA);

    expect(
      await screen.findByText(
        'You are not allowed to see the delivery metrics of Team A.',
      ),
    ).toBeInTheDocument();
    expect(
      screen.queryByText(/Individual usage is private/),
    ).not.toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Retry' }),
    ).not.toBeInTheDocument();
  });
});
