import { Entity } from '@backstage/catalog-model';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { adoptionResponse } from '../../__fixtures__/adoptionResponse';
import { statusResponse } from '../../__fixtures__/statusResponse';
import {
  csvOf,
  errorResponse,
  LocationSearch,
  renderWithAnalytics,
  serveAnalytics,
  setupAnalyticsServer,
} from '../../__testUtils__/analyticsTestServer';
import { jane } from '../../__testUtils__/testEntities';
import { ClaudeCodeTab } from './ClaudeCodeTab';

const platform: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name: 'platform', title: 'Platform' },
  spec: { type: 'department', children: [] },
};

function adoptionQueries(requests: string[]): string[] {
  return requests
    .filter(request => request.includes('/adoption'))
    .map(request => request.slice(request.indexOf('?')));
}

// The tab renders three cards, several tables and charts; jsdom takes its time.
jest.setTimeout(30_000);

describe('ClaudeCodeTab', () => {
  const server = setupAnalyticsServer();

  function renderTab(entity: Entity, initialUrl = '/') {
    return renderWithAnalytics(
      <>
        <ClaudeCodeTab />
        <LocationSearch />
      </>,
      {
        entity,
        config: { claudeCodeAnalytics: { privacy: { minimumGroupSize: 4 } } },
        initialUrl,
      },
    );
  }

  it('shows the last 30 full days by default and moves the period to the URL when picked', async () => {
    const requests = serveAnalytics(server);
    await renderTab(platform);

    expect(await screen.findByText('12 of 40')).toBeInTheDocument();
    expect(adoptionQueries(requests)).toContain(
      '?from=2024-12-05&to=2025-01-03',
    );
    expect(
      screen.getByRole('button', { name: 'Last 30 days' }),
    ).toHaveAttribute('aria-pressed', 'true');

    requests.length = 0;
    await userEvent.click(screen.getByRole('button', { name: 'Last 7 days' }));

    expect(
      screen.getByRole('status', { name: 'Location search' }),
    ).toHaveTextContent('?from=2024-12-28&to=2025-01-03');
    await waitFor(() =>
      expect(adoptionQueries(requests)).toContain(
        '?from=2024-12-28&to=2025-01-03',
      ),
    );
    expect(
      requests.filter(request =>
        request.startsWith('/v1/entities/group/default/platform/children'),
      ),
    ).toEqual([
      '/v1/entities/group/default/platform/children?from=2024-12-28&to=2025-01-03',
    ]);
    expect(
      await screen.findAllByText('2024-12-28 to 2025-01-03 (UTC)'),
    ).not.toHaveLength(0);
  });

  it('reads the period from the URL', async () => {
    const requests = serveAnalytics(server);
    await renderTab(platform, '/?from=2024-11-01&to=2024-11-30');

    expect(await screen.findByText('12 of 40')).toBeInTheDocument();
    expect(adoptionQueries(requests)).toContain(
      '?from=2024-11-01&to=2024-11-30',
    );
    expect(
      screen.getByRole('button', { name: 'Custom range' }),
    ).toHaveAttribute('aria-pressed', 'true');
  });

  it('falls back to the default period when the URL has an invalid one, and says so', async () => {
    const requests = serveAnalytics(server);
    await renderTab(platform, '/?from=2024-12-10&to=2024-12-01');

    expect(
      await screen.findByText(
        /The period in the link was not used \(from \(2024-12-10\) is after to \(2024-12-01\)\)/,
      ),
    ).toBeInTheDocument();
    await waitFor(() =>
      expect(adoptionQueries(requests)).toContain(
        '?from=2024-12-05&to=2025-01-03',
      ),
    );
  });

  it('validates a custom range before applying it', async () => {
    const requests = serveAnalytics(server);
    await renderTab(platform);
    expect(await screen.findByText('12 of 40')).toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: 'Custom range' }));
    const from = screen.getByLabelText('From');
    const to = screen.getByLabelText('To');
    fireEvent.change(from, { target: { value: '2025-01-02' } });
    fireEvent.change(to, { target: { value: '2024-12-20' } });
    await userEvent.click(screen.getByRole('button', { name: 'Apply' }));

    expect(
      await within(
        screen.getByRole('form', { name: 'Custom period' }),
      ).findByRole('alert'),
    ).toHaveTextContent('from (2025-01-02) is after to (2024-12-20)');
    expect(
      screen.getByRole('status', { name: 'Location search' }),
    ).toHaveTextContent(/^$/);

    fireEvent.change(to, { target: { value: '2025-01-10' } });
    await userEvent.click(screen.getByRole('button', { name: 'Apply' }));
    expect(
      await within(
        screen.getByRole('form', { name: 'Custom period' }),
      ).findByRole('alert'),
    ).toHaveTextContent('is in the future');

    requests.length = 0;
    fireEvent.change(from, { target: { value: '2024-12-01' } });
    fireEvent.change(to, { target: { value: '2024-12-15' } });
    await userEvent.click(screen.getByRole('button', { name: 'Apply' }));

    expect(
      screen.getByRole('status', { name: 'Location search' }),
    ).toHaveTextContent('?from=2024-12-01&to=2024-12-15');
    await waitFor(() =>
      expect(adoptionQueries(requests)).toContain(
        '?from=2024-12-01&to=2024-12-15',
      ),
    );
  });

  it('shows the sub-teams side by side, marks suppressed ones, and exports the API numbers', async () => {
    serveAnalytics(server);
    await renderTab(platform);

    const table = await screen.findByRole('table', { name: 'Sub-teams' });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(
      rows.map(row => within(row).getAllByRole('cell')[0].textContent),
    ).toEqual(['Team A', 'Team B', 'team-cHidden for privacy']);
    const teamA = within(rows[0])
      .getAllByRole('cell')
      .map(cell => cell.textContent);
    expect(teamA.slice(0, 7)).toEqual([
      'Team A',
      '75%',
      '9',
      '12',
      '1.2k',
      '$3.5k',
      '$56.67',
    ]);
    expect(within(rows[2]).getAllByText('hidden').length).toBeGreaterThan(0);
    expect(
      screen.getByText(
        /Usage of teams with fewer than 4 active people is hidden/,
      ),
    ).toBeInTheDocument();

    const csv = csvOf(
      screen.getByRole('link', { name: 'Export Sub-teams as CSV' }),
    );
    expect(
      screen.getByRole('link', { name: 'Export Sub-teams as CSV' }),
    ).toHaveAttribute(
      'download',
      'platform-sub-teams-2024-12-05-2025-01-03.csv',
    );
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'Team,Entity,Adoption,Active,Members,Sessions,Spend (USD),Cost per merged PR (USD),' +
        'Merged PRs,AI-assisted PRs,Deployments per week,Deployment frequency tier,' +
        '"Lead time (hours, median)",Lead time tier,Change failure rate,' +
        'Change failure rate tier,"Recovery time (hours, median)",Recovery time tier,Suppressed',
    );
    expect(lines.slice(1)).toEqual([
      'Team A,group:default/team-a,0.75,9,12,1234,3456.789,56.6687,61,12,4.67,high,20.5,high,0.1,elite,2,high,false',
      'Team B,group:default/team-b,0.25,2,8,80,120.5,,0,12,0.5,medium,200,medium,0.3,low,,,false',
      'team-c,group:default/team-c,0,0,3,0,0,,40,12,4.67,high,30,high,0.1,elite,2,high,true',
    ]);
  });

  it('sorts the sub-teams by a column from its header', async () => {
    serveAnalytics(server);
    await renderTab(platform);
    const table = await screen.findByRole('table', { name: 'Sub-teams' });

    await userEvent.click(
      within(table).getByRole('button', { name: 'Spend (USD)' }),
    );

    const names = within(table)
      .getAllByRole('row')
      .slice(1)
      .map(row => within(row).getAllByRole('cell')[0].textContent);
    expect(names).toEqual(['Team A', 'Team B', 'team-cHidden for privacy']);
    await userEvent.click(
      within(table).getByRole('button', { name: 'Spend (USD)' }),
    );
    expect(
      within(table)
        .getAllByRole('row')
        .slice(1)
        .map(row => within(row).getAllByRole('cell')[0].textContent),
    ).toEqual(['team-cHidden for privacy', 'Team B', 'Team A']);
  });

  it('shows the members with their usage and exports it', async () => {
    serveAnalytics(server);
    await renderTab(platform);

    const table = await screen.findByRole('table', { name: 'Members' });
    const cells = within(within(table).getAllByRole('row')[1])
      .getAllByRole('cell')
      .map(cell => cell.textContent);
    expect(cells).toEqual([
      'Jane Doe',
      '18',
      '142',
      '12.3k',
      '678',
      '31',
      '9',
      '$412.35',
    ]);
    expect(
      csvOf(screen.getByRole('link', { name: 'Export Members as CSV' })),
    ).toBe(
      'Person,User,Active days,Sessions,Lines added,Lines removed,Commits by Claude Code,PRs by Claude Code,Spend (USD)\r\n' +
        'Jane Doe,user:default/jane,18,142,12345,678,31,9,412.3456\r\n' +
        'joe,user:default/joe,0,0,0,0,0,0,0\r\n',
    );
  });

  it('explains who may see individual usage when members answer 403', async () => {
    serveAnalytics(server, {
      members: () => errorResponse(403, 'not allowed'),
    });
    await renderTab(platform);

    expect(
      await screen.findByText(
        'Individual usage is visible only to people granted claude-code-analytics.individual.read',
      ),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('table', { name: 'Members' }),
    ).not.toBeInTheDocument();
  });

  it('shows an error with retry when sub-teams fail', async () => {
    let calls = 0;
    serveAnalytics(server, {
      children: () => {
        calls += 1;
        return calls === 1
          ? errorResponse(500, 'database unavailable')
          : { from: '2024-12-05', to: '2025-01-03', items: [] };
      },
    });
    await renderTab(platform);

    expect(
      await screen.findByText(/Could not load Sub-teams/),
    ).toBeInTheDocument();
    const panel = screen
      .getByText(/Could not load Sub-teams/)
      .closest('[class*="MuiCard"]') as HTMLElement;
    await userEvent.click(within(panel).getByRole('button', { name: 'Retry' }));
    expect(
      await screen.findByText('Platform has no sub-teams in the catalog.'),
    ).toBeInTheDocument();
  });

  it('shows neither sub-teams, members nor delivery on a User page', async () => {
    const requests = serveAnalytics(server);
    await renderTab(jane);

    expect(await screen.findByText('12 of 40')).toBeInTheDocument();
    expect(
      await screen.findByRole('table', { name: 'Usage by day' }),
    ).toBeInTheDocument();
    expect(screen.queryByText('Sub-teams')).not.toBeInTheDocument();
    expect(screen.queryByText('Members')).not.toBeInTheDocument();
    expect(
      requests.some(request => /children|members|delivery/.test(request)),
    ).toBe(false);
  });

  it('exports usage by day with the numbers of the API', async () => {
    serveAnalytics(server);
    await renderTab(jane);

    await screen.findByRole('table', { name: 'Usage by day' });
    const csv = csvOf(
      screen.getByRole('link', { name: 'Export Usage by day as CSV' }),
    );
    expect(csv.split('\r\n')[0]).toBe(
      'Date,Active users,Sessions,Lines added,Lines removed,Spend (USD)',
    );
    expect(csv.split('\r\n')[1]).toMatch(/^2025-01-01,10,400,15000,100,/);
  });

  it('shows the tool results of the API with their success rates and exports them', async () => {
    serveAnalytics(server);
    await renderTab(jane);

    const table = await screen.findByRole('table', { name: 'Tool results' });
    const rows = within(table)
      .getAllByRole('row')
      .slice(1)
      .map(row =>
        within(row)
          .getAllByRole('cell')
          .map(cell => cell.textContent),
      );
    // The fixture's toolResults, most runs first; success rate = succeeded / runs.
    expect(rows).toEqual([
      ['Bash', '2k', '1.9k', '120', '94%'],
      ['Edit', '1k', '990', '10', '99%'],
      ['mcp__github__create_pull_request', '10', '7', '3', '70%'],
    ]);
    expect(within(table).getByText('1.9k')).toHaveAttribute('title', '1,880');

    const link = screen.getByRole('link', {
      name: 'Export Tool results as CSV',
    });
    expect(link).toHaveAttribute(
      'download',
      'jane-tool-results-2024-12-05-2025-01-03.csv',
    );
    expect(csvOf(link)).toBe(
      'Tool,Runs,Succeeded,Failed,Success rate\r\n' +
        'Bash,2000,1880,120,0.94\r\n' +
        'Edit,1000,990,10,0.99\r\n' +
        'mcp__github__create_pull_request,10,7,3,0.7\r\n',
    );
  });

  it('explains where tool results come from when there are none, and hides them when suppressed', async () => {
    let suppressed = false;
    serveAnalytics(server, {
      adoption: () => {
        const { toolResults, ...older } = adoptionResponse;
        return suppressed
          ? { ...older, suppressed: true, toolResults: {} }
          : older;
      },
    });
    const { unmount } = await renderTab(jane);

    expect(
      await screen.findByText(/No tool results in this period/),
    ).toHaveTextContent('OTEL_LOGS_EXPORTER=otlp');
    unmount();

    suppressed = true;
    await renderTab(platform);
    const panel = (await screen.findByText('Tool results')).closest(
      '[class*="MuiCard-root"]',
    ) as HTMLElement;
    expect(
      await within(panel).findByText(
        'Hidden for privacy: fewer than 4 active people in this period.',
      ),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('table', { name: 'Tool results' }),
    ).not.toBeInTheDocument();
  });

  it('shows the quality of the data', async () => {
    serveAnalytics(server);
    await renderTab(platform);

    expect(
      await screen.findByText(/Admin API is stale: no data for 3 d/),
    ).toBeInTheDocument();
    expect(screen.queryByText(/OTLP is stale/)).not.toBeInTheDocument();
    expect(
      screen.getByText(/Admin API failed 1 h ago: 401 Unauthorized/),
    ).toBeInTheDocument();
    // Every queue counts: session sums, usage and delivery rollups of the fixture.
    const pending = Object.values(statusResponse.pendingRollups).reduce(
      (a, b) => a + b,
    );
    expect(
      screen.getByText(
        new RegExp(`${pending} daily rollups are waiting to be recomputed`),
      ),
    ).toBeInTheDocument();
    const identities = screen.getByRole('table', {
      name: 'Identities without a catalog User',
    });
    expect(within(identities).getByText('ci-bot@acme.com')).toBeInTheDocument();
    expect(within(identities).getByText('bedrock-user-17')).toBeInTheDocument();
    const repositories = screen.getByRole('table', {
      name: 'Repositories without a catalog Component',
    });
    expect(
      within(repositories).getByText('acme/legacy-monolith'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/attributed to services by estimate/),
    ).toBeInTheDocument();
    expect(
      csvOf(
        screen.getByRole('link', {
          name: 'Export Repositories without a catalog Component as CSV',
        }),
      ),
    ).toBe('Repository\r\nacme/legacy-monolith\r\nacme/scratch\r\n');
  });
});
