import { mockApis } from '@backstage/frontend-test-utils';
import { http, HttpResponse, JsonBodyType } from 'msw';
import { SetupServer } from 'msw/node';
import { useLocation } from 'react-router-dom';
import { adoptionResponse } from '../__fixtures__/adoptionResponse';
import { childrenResponse } from '../__fixtures__/childrenResponse';
import { costResponse } from '../__fixtures__/costResponse';
import { deliveryResponse } from '../__fixtures__/deliveryResponse';
import { groupsResponse } from '../__fixtures__/groupsResponse';
import { membersResponse } from '../__fixtures__/membersResponse';
import { statusResponse } from '../__fixtures__/statusResponse';
import { ClaudeCodeAnalyticsClient } from '../api';

/** Where the test backend is mounted. */
export const apiBaseUrl = 'http://localhost:7007/api/claude-code-analytics';

/** The real client, against the msw test backend. */
export function testClient(): ClaudeCodeAnalyticsClient {
  return new ClaudeCodeAnalyticsClient({
    discoveryApi: mockApis.discovery({ baseUrl: 'http://localhost:7007' }),
    fetchApi: mockApis.fetch(),
  });
}

/**
 * Answers every analytics endpoint with its fixture, unless `overrides` names another body or a
 * response; returns the requests, as path and query.
 */
export function serveAnalytics(
  server: SetupServer,
  overrides: Record<string, () => Response | JsonBodyType> = {},
): string[] {
  const requests: string[] = [];
  const bodies: Record<string, () => Response | JsonBodyType> = {
    adoption: () => adoptionResponse,
    cost: () => costResponse,
    delivery: () => JSON.parse(JSON.stringify(deliveryResponse)),
    children: () => childrenResponse,
    members: () => membersResponse,
    groups: () => groupsResponse,
    status: () => statusResponse,
    ...overrides,
  };
  const answer = (resource: string, url: string) => {
    const parsed = new URL(url);
    requests.push(
      parsed.pathname.replace('/api/claude-code-analytics', '') + parsed.search,
    );
    const body = bodies[resource]();
    return body instanceof Response ? body : HttpResponse.json(body);
  };
  server.use(
    http.get(
      `${apiBaseUrl}/v1/entities/:kind/:namespace/:name/:resource`,
      ({ request, params }) => answer(String(params.resource), request.url),
    ),
    http.get(`${apiBaseUrl}/v1/groups`, ({ request }) =>
      answer('groups', request.url),
    ),
    http.get(`${apiBaseUrl}/v1/status`, ({ request }) =>
      answer('status', request.url),
    ),
  );
  return requests;
}

/** A backend error in Backstage's shape. */
export function errorResponse(status: number, message: string): Response {
  return HttpResponse.json(
    { error: { name: 'Error', message }, response: { statusCode: status } },
    { status },
  );
}

/** Shows the current URL's query, so that tests can read what the page put there. */
export function LocationSearch() {
  return <output aria-label="Location search">{useLocation().search}</output>;
}

/** The text of the CSV an export link downloads. */
export function csvOf(link: HTMLElement): string {
  const href = link.getAttribute('href') ?? '';
  const prefix = 'data:text/csv;charset=utf-8,';
  if (!href.startsWith(prefix)) {
    throw new Error(`not a CSV link: ${href}`);
  }
  return decodeURIComponent(href.slice(prefix.length));
}
