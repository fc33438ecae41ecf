import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  csvOf,
  renderWithAnalytics,
  serveAnalytics,
  setupAnalyticsServer,
} from '../../__testUtils__/analyticsTestServer';
import { OrgPage } from './OrgPage';

jest.setTimeout(30_000);

function names(table: HTMLElement): string[] {
  return within(table)
    .getAllByRole('row')
    .slice(1)
    .map(row => within(row).getAllByRole('cell')[0].textContent ?? '');
}

describe('OrgPage', () => {
  const server = setupAnalyticsServer();

  function renderPage() {
    return renderWithAnalytics(<OrgPage />);
  }

  it('shows every group, the root group trends, cohorts and sources', async () => {
    const requests = serveAnalytics(server);
    await renderPage();

    const table = await screen.findByRole('table', { name: 'Groups' });
    expect(names(table)).toEqual([
      'Payments',
      'Engineering',
      'Search',
      'Acme',
      'Billing',
      'GrowthHidden for privacy',
    ]);
    await waitFor(() =>
      expect(requests).toEqual(
        expect.arrayContaining([
          '/v1/groups?from=2024-12-05&to=2025-01-03',
          '/v1/entities/group/default/acme/adoption?from=2024-12-05&to=2025-01-03',
          '/v1/entities/group/default/acme/cost?from=2024-12-05&to=2025-01-03',
          '/v1/status',
        ]),
      ),
    );
    expect(
      await screen.findByText('Adoption and spend of Acme'),
    ).toBeInTheDocument();

    const cohorts = screen.getByRole('table', { name: 'Adoption cohorts' });
    expect(
      within(cohorts)
        .getAllByRole('row')
        .slice(1)
        .map(row =>
          within(row)
            .getAllByRole('cell')
            .slice(0, 2)
            .map(c => c.textContent),
        ),
    ).toEqual([
      ['<25%', '1: Billing'],
      ['25–50%', '0'],
      ['50–75%', '1: Search'],
      ['≥75%', '1: Payments'],
    ]);
    expect(
      screen.getByText(/1 team is hidden for privacy and in no cohort/),
    ).toBeInTheDocument();
    expect(screen.getByRole('table', { name: 'Sources' })).toBeInTheDocument();
    expect(screen.getByText(/Admin API is stale/)).toBeInTheDocument();
  });

  it('sorts by spend and by lead time', async () => {
    serveAnalytics(server);
    await renderPage();
    const table = await screen.findByRole('table', { name: 'Groups' });

    await userEvent.click(
      within(table).getByRole('button', { name: 'Spend (USD)' }),
    );
    expect(names(table)[0]).toBe('Acme');

    await userEvent.click(
      within(table).getByRole('button', { name: 'Lead time (hours, median)' }),
    );
    expect(names(table).slice(0, 3)).toEqual([
      'Billing',
      'Acme',
      'Engineering',
    ]);
  });

  it('filters by name and by group type, and exports what is shown', async () => {
    serveAnalytics(server);
    await renderPage();
    const table = await screen.findByRole('table', { name: 'Groups' });

    fireEvent.change(screen.getByLabelText('Filter groups'), {
      target: { value: 'pay' },
    });
    expect(names(table)).toEqual(['Payments']);
    expect(
      csvOf(screen.getByRole('link', { name: 'Export Groups as CSV' }))
        .split('\r\n')
        .slice(1, 2),
    ).toEqual([
      'Payments,group:default/payments,team,0.9,9,10,300,4000,80,40,12,9,elite,10,high,0.1,elite,2,high,false',
    ]);

    fireEvent.change(screen.getByLabelText('Filter groups'), {
      target: { value: '' },
    });
    fireEvent.mouseDown(screen.getByLabelText('Group type'));
    await userEvent.click(
      await screen.findByRole('option', { name: 'department' }),
    );
    expect(names(table)).toEqual(['Engineering']);
  });
});
