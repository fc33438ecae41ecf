import {
  mockServices,
  registerMswTestHooks,
} from '@backstage/backend-test-utils';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { AdminApiClient } from './AdminApiClient';

const BASE_URL = 'https://admin-api.test';
const REPORT_URL = `${BASE_URL}/v1/organizations/usage_report/claude_code`;

function record(email: string) {
  return {
    date: '2026-03-02T00:00:00Z',
    actor: { type: 'user_actor', email_address: email },
    core_metrics: { num_sessions: 1 },
  };
}

const authenticationError = {
  type: 'error',
  error: { type: 'authentication_error', message: 'invalid x-api-key' },
};

describe('AdminApiClient', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  const sleep = jest.fn(async (_ms: number) => {});
  beforeEach(() => sleep.mockClear());

  const client = (maxRetries?: number) =>
    AdminApiClient.create({
      apiKey: 'sk-ant-admin-test',
      baseUrl: `${BASE_URL}/`,
      logger: mockServices.logger.mock(),
      maxRetries,
      sleep,
    });

  it('reads every page of a day with the documented headers and query', async () => {
    const requests: URL[] = [];
    server.use(
      http.get(REPORT_URL, ({ request }) => {
        const url = new URL(request.url);
        requests.push(url);
        expect(request.headers.get('x-api-key')).toBe('sk-ant-admin-test');
        expect(request.headers.get('anthropic-version')).toBe('2023-06-01');
        expect(request.headers.get('user-agent')).toBe(
          'backstage-plugin-claude-code-analytics',
        );
        const page = url.searchParams.get('page');
        if (!page) {
          return HttpResponse.json({
            data: [record('a@acme.example'), record('b@acme.example')],
            has_more: true,
            next_page: 'cursor-2',
          });
        }
        if (page === 'cursor-2') {
          return HttpResponse.json({
            data: [record('c@acme.example')],
            has_more: true,
            next_page: 'cursor-3',
          });
        }
        return HttpResponse.json({
          data: [record('d@acme.example')],
          has_more: false,
          next_page: null,
        });
      }),
    );

    const { records } = await client().fetchDay('2026-03-02');

    expect(records.map((r: any) => r.actor.email_address)).toEqual([
      'a@acme.example',
      'b@acme.example',
      'c@acme.example',
      'd@acme.example',
    ]);
    expect(requests.map(url => Object.fromEntries(url.searchParams))).toEqual([
      { starting_at: '2026-03-02', limit: '1000' },
      { starting_at: '2026-03-02', limit: '1000', page: 'cursor-2' },
      { starting_at: '2026-03-02', limit: '1000', page: 'cursor-3' },
    ]);
    expect(sleep).not.toHaveBeenCalled();
  });

  it('waits as long as retry-after says after a 429, then succeeds', async () => {
    let calls = 0;
    server.use(
      http.get(REPORT_URL, () => {
        calls += 1;
        if (calls === 1) {
          return HttpResponse.json(
            {
              type: 'error',
              error: { type: 'rate_limit_error', message: 'slow down' },
            },
            { status: 429, headers: { 'retry-after': '7' } },
          );
        }
        return HttpResponse.json({
          data: [record('a@acme.example')],
          has_more: false,
          next_page: null,
        });
      }),
    );

    const { records } = await client().fetchDay('2026-03-02');

    expect(records).toHaveLength(1);
    expect(calls).toBe(2);
    expect(sleep.mock.calls).toEqual([[7000]]);
  });

  it('understands retry-after as an HTTP date', async () => {
    let calls = 0;
    server.use(
      http.get(REPORT_URL, () => {
        calls += 1;
        return calls === 1
          ? new HttpResponse(null, {
              status: 429,
              headers: {
                'retry-after': new Date(Date.now() + 30_000).toUTCString(),
              },
            })
          : HttpResponse.json({ data: [], has_more: false, next_page: null });
      }),
    );

    await client().fetchDay('2026-03-02');

    expect(sleep).toHaveBeenCalledTimes(1);
    // The date has a resolution of one second.
    expect(sleep.mock.calls[0][0]).toBeGreaterThan(28_000);
    expect(sleep.mock.calls[0][0]).toBeLessThanOrEqual(30_000);
  });

  it('retries a server error with exponential back-off, then succeeds', async () => {
    let calls = 0;
    server.use(
      http.get(REPORT_URL, () => {
        calls += 1;
        return calls <= 2
          ? new HttpResponse('upstream trouble', { status: 500 })
          : HttpResponse.json({
              data: [record('a@acme.example')],
              has_more: false,
              next_page: null,
            });
      }),
    );

    const { records } = await client().fetchDay('2026-03-02');

    expect(records).toHaveLength(1);
    expect(sleep.mock.calls).toEqual([[1000], [2000]]);
  });

  it('gives up after maxRetries, naming the status', async () => {
    let calls = 0;
    server.use(
      http.get(REPORT_URL, () => {
        calls += 1;
        return new HttpResponse('overloaded', {
          status: 503,
          statusText: 'Service Unavailable',
        });
      }),
    );

    await expect(client(3).fetchDay('2026-03-02')).rejects.toThrow(
      'Claude Code usage report for 2026-03-02 failed with 503 Service Unavailable after 4 attempts: overloaded',
    );
    expect(calls).toBe(4);
    expect(sleep.mock.calls).toEqual([[1000], [2000], [4000]]);
  });

  it('fails at once on 401 with the message of the API', async () => {
    let calls = 0;
    server.use(
      http.get(REPORT_URL, () => {
        calls += 1;
        return HttpResponse.json(authenticationError, {
          status: 401,
          statusText: 'Unauthorized',
        });
      }),
    );

    const error = await client()
      .fetchDay('2026-03-02')
      .catch((e: Error) => e);

    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(
      /^Claude Code usage report for 2026-03-02 failed with 401 Unauthorized: invalid x-api-key/,
    );
    expect((error as any).cause.statusCode).toBe(401);
    expect(calls).toBe(1);
    expect(sleep).not.toHaveBeenCalled();
  });

  it('refuses a page that promises more without a new cursor', async () => {
    server.use(
      http.get(REPORT_URL, () =>
        HttpResponse.json({ data: [], has_more: true, next_page: 'same' }),
      ),
    );

    await expect(client().fetchDay('2026-03-02')).rejects.toThrow(
      'has_more without a new next_page',
    );
  });

  it('refuses a response without a data array', async () => {
    server.use(http.get(REPORT_URL, () => HttpResponse.json({ records: [] })));

    await expect(client().fetchDay('2026-03-02')).rejects.toThrow(
      'the response has no data array',
    );
  });
});
