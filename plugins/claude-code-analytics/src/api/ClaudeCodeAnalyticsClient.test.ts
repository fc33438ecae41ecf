import { ResponseError } from '@backstage/errors';
import { mockApis, registerMswTestHooks } from '@backstage/frontend-test-utils';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { adoptionResponse } from '../__fixtures__/adoptionResponse';
import { costResponse } from '../__fixtures__/costResponse';
import { childrenResponse } from '../__fixtures__/childrenResponse';
import { deliveryResponse } from '../__fixtures__/deliveryResponse';
import { groupsResponse } from '../__fixtures__/groupsResponse';
import { membersResponse } from '../__fixtures__/membersResponse';
import { statusResponse } from '../__fixtures__/statusResponse';
import { ClaudeCodeAnalyticsClient } from './ClaudeCodeAnalyticsClient';

const baseUrl = 'http://localhost:7007/api/claude-code-analytics';

describe('ClaudeCodeAnalyticsClient', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  const client = new ClaudeCodeAnalyticsClient({
    discoveryApi: mockApis.discovery({ baseUrl: 'http://localhost:7007' }),
    fetchApi: mockApis.fetch(),
  });

  it('asks for the adoption of an entity with its kind lowercased and each part encoded', async () => {
    const requests: URL[] = [];
    server.use(
      http.get(
        `${baseUrl}/v1/entities/:kind/:namespace/:name/adoption`,
        ({ request }) => {
          requests.push(new URL(request.url));
          return HttpResponse.json(adoptionResponse);
        },
      ),
    );

    const response = await client.getAdoption({
      entityRef: 'Group:my-ns/team a/b',
      from: '2025-01-01',
      to: '2025-01-30',
    });

    expect(response).toEqual(adoptionResponse);
    expect(requests).toHaveLength(1);
    expect(requests[0].pathname).toBe(
      '/api/claude-code-analytics/v1/entities/group/my-ns/team%20a%2Fb/adoption',
    );
    expect(Object.fromEntries(requests[0].searchParams)).toEqual({
      from: '2025-01-01',
      to: '2025-01-30',
    });
  });

  it('asks for the cost of an entity in a period', async () => {
    const requests: URL[] = [];
    server.use(
      http.get(
        `${baseUrl}/v1/entities/:kind/:namespace/:name/cost`,
        ({ request }) => {
          requests.push(new URL(request.url));
          return HttpResponse.json(costResponse);
        },
      ),
    );

    const response = await client.getCost({
      entityRef: 'Component:payments',
      from: '2025-01-01',
      to: '2025-01-30',
    });

    expect(response).toEqual(costResponse);
    expect(requests.map(url => url.pathname + url.search)).toEqual([
      '/api/claude-code-analytics/v1/entities/component/default/payments/cost?from=2025-01-01&to=2025-01-30',
    ]);
  });

  it('asks for the delivery of an entity in a period', async () => {
    const requests: URL[] = [];
    server.use(
      http.get(
        `${baseUrl}/v1/entities/:kind/:namespace/:name/delivery`,
        ({ request }) => {
          requests.push(new URL(request.url));
          return HttpResponse.json(deliveryResponse);
        },
      ),
    );

    const response = await client.getDelivery({
      entityRef: 'System:my-ns/payments platform',
      from: '2024-12-05',
      to: '2025-01-03',
    });

    expect(response).toEqual(JSON.parse(JSON.stringify(deliveryResponse)));
    expect(requests.map(url => url.pathname + url.search)).toEqual([
      '/api/claude-code-analytics/v1/entities/system/my-ns/payments%20platform/delivery?from=2024-12-05&to=2025-01-03',
    ]);
  });

  it('defaults the namespace of a shorthand ref', async () => {
    const paths: string[] = [];
    server.use(
      http.get(`${baseUrl}/v1/entities/*`, ({ request }) => {
        paths.push(new URL(request.url).pathname);
        return HttpResponse.json(adoptionResponse);
      }),
    );

    await client.getAdoption({
      entityRef: 'user:jane',
      from: '2025-01-01',
      to: '2025-01-30',
    });

    expect(paths).toEqual([
      '/api/claude-code-analytics/v1/entities/user/default/jane/adoption',
    ]);
  });

  it.each([
    ['children', () => childrenResponse],
    ['members', () => membersResponse],
  ] as const)(
    'asks for the %s of a group in a period',
    async (resource, body) => {
      const requests: URL[] = [];
      server.use(
        http.get(
          `${baseUrl}/v1/entities/:kind/:namespace/:name/${resource}`,
          ({ request }) => {
            requests.push(new URL(request.url));
            return HttpResponse.json(body());
          },
        ),
      );
      const request = {
        entityRef: 'Group:my-ns/team a',
        from: '2024-12-05',
        to: '2025-01-03',
      };

      const response =
        resource === 'children'
          ? await client.getChildren(request)
          : await client.getMembers(request);

      expect(response).toEqual(body());
      expect(requests.map(url => url.pathname + url.search)).toEqual([
        `/api/claude-code-analytics/v1/entities/group/my-ns/team%20a/${resource}?from=2024-12-05&to=2025-01-03`,
      ]);
    },
  );

  it('asks for every group in a period', async () => {
    const requests: URL[] = [];
    server.use(
      http.get(`${baseUrl}/v1/groups`, ({ request }) => {
        requests.push(new URL(request.url));
        return HttpResponse.json(groupsResponse);
      }),
    );

    const response = await client.getGroups({
      from: '2024-12-05',
      to: '2025-01-03',
    });

    expect(response).toEqual(JSON.parse(JSON.stringify(groupsResponse)));
    expect(requests.map(url => url.pathname + url.search)).toEqual([
      '/api/claude-code-analytics/v1/groups?from=2024-12-05&to=2025-01-03',
    ]);
  });

  it('asks for the status of the sources', async () => {
    server.use(
      http.get(`${baseUrl}/v1/status`, () => HttpResponse.json(statusResponse)),
    );

    expect(await client.getStatus()).toEqual(statusResponse);
  });

  it.each([
    ['members', 403],
    ['children', 404],
    ['groups', 500],
    ['status', 500],
  ] as const)(
    'throws a ResponseError when the %s endpoint answers %i',
    async (resource, status) => {
      server.use(
        http.get(`${baseUrl}/v1/*`, () =>
          HttpResponse.json(
            { error: { name: 'SomeError', message: `failed with ${status}` } },
            { status },
          ),
        ),
      );
      const request = {
        entityRef: 'group:default/team-a',
        from: '2025-01-01',
        to: '2025-01-30',
      };
      const result = {
        members: () => client.getMembers(request),
        children: () => client.getChildren(request),
        groups: () => client.getGroups(request),
        status: () => client.getStatus(),
      }[resource]();

      await expect(result).rejects.toBeInstanceOf(ResponseError);
      await expect(result).rejects.toMatchObject({ statusCode: status });
    },
  );

  it.each([
    ['adoption', 400],
    ['adoption', 403],
    ['adoption', 404],
    ['cost', 400],
    ['cost', 403],
    ['cost', 404],
    ['delivery', 400],
    ['delivery', 403],
    ['delivery', 404],
  ] as const)(
    'throws a ResponseError carrying the status when the %s endpoint answers %i',
    async (resource, status) => {
      server.use(
        http.get(`${baseUrl}/v1/entities/*`, () =>
          HttpResponse.json(
            {
              error: { name: 'SomeError', message: `failed with ${status}` },
              request: { method: 'GET', url: '/v1/entities' },
              response: { statusCode: status },
            },
            { status },
          ),
        ),
      );

      const request = {
        entityRef: 'user:default/jane',
        from: '2025-01-01',
        to: '2025-01-30',
      };
      const result = {
        adoption: () => client.getAdoption(request),
        cost: () => client.getCost(request),
        delivery: () => client.getDelivery(request),
      }[resource]();

      await expect(result).rejects.toBeInstanceOf(ResponseError);
      await expect(result).rejects.toMatchObject({
        statusCode: status,
        body: { error: { message: `failed with ${status}` } },
      });
    },
  );
});
