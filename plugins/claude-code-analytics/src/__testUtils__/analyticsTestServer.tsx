import { Entity } from '@backstage/catalog-model';
import {
  mockApis,
  registerMswTestHooks,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { Settings } from 'luxon';
import { http, HttpResponse, JsonBodyType } from 'msw';
import { setupServer, SetupServer } from 'msw/node';
import { useLocation } from 'react-router-dom';
import { adoptionResponse } from '../__fixtures__/adoptionResponse';
import { childrenResponse } from '../__fixtures__/childrenResponse';
import { costResponse } from '../__fixtures__/costResponse';
import { deliveryResponse } from '../__fixtures__/deliveryResponse';
import { groupsResponse } from '../__fixtures__/groupsResponse';
import { membersResponse } from '../__fixtures__/membersResponse';
import { statusResponse } from '../__fixtures__/statusResponse';
import { claudeCodeAnalyticsApiRef, ClaudeCodeAnalyticsClient } from '../api';

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
 * The msw server of the test backend, listening during the tests of the describe block that calls
 * this (a request without a handler fails the test, handlers are reset after each test), with
 * luxon's clock at 2025-01-04 12:00 UTC during each test: the last 30 full days are 2024-12-05 to
 * 2025-01-03.
 */
export function setupAnalyticsServer(): SetupServer {
  const server = setupServer();
  registerMswTestHooks(server);

  const originalNow = Settings.now;
  beforeEach(() => {
    Settings.now = () => Date.parse('2025-01-04T12:00:00Z');
  });
  afterEach(() => {
    Settings.now = originalNow;
  });
  return server;
}

/**
 * Renders `element` in a test app with the real client against the test backend, inside an
 * EntityProvider of `entity` when one is given. `config` replaces the test app's configuration;
 * `initialUrl` is the first location.
 */
export function renderWithAnalytics(
  element: JSX.Element,
  options: {
    entity?: Entity;
    config?: Record<string, any>;
    initialUrl?: string;
  } = {},
) {
  return renderInTestApp(
    options.entity ? (
      <EntityProvider entity={options.entity}>{element}</EntityProvider>
    ) : (
      element
    ),
    {
      apis: [[claudeCodeAnalyticsApiRef, testClient()]],
      config: options.config,
      initialRouteEntries: options.initialUrl
        ? [options.initialUrl]
        : undefined,
    },
  );
}

/** The msw path of an entity resource of the API: adoption, cost, delivery, children, members. */
export function entityResourceUrl(resource: string): string {
  return `${apiBaseUrl}/v1/entities/:kind/:namespace/:name/${resource}`;
}

/** A body as is, or a JSON response of it. */
function respond(body: Response | JsonBodyType): Response {
  return body instanceof Response ? body : HttpResponse.json(body);
}

/**
 * Answers an entity resource (of any entity) with `body`, or with what `body` gives for each
 * request: a body or a response; returns the URLs requested.
 */
export function serveEntityResource(
  server: SetupServer,
  resource: string,
  body: JsonBodyType | (() => Response | JsonBodyType),
): URL[] {
  const requests: URL[] = [];
  server.use(
    http.get(entityResourceUrl(resource), ({ request }) => {
      requests.push(new URL(request.url));
      return respond(typeof body === 'function' ? body() : body);
    }),
  );
  return requests;
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
    return respond(bodies[resource]());
  };
  server.use(
    http.get(entityResourceUrl(':resource'), ({ request, params }) =>
      answer(String(params.resource), request.url),
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

/** A backend error in the shape of Backstage's error handler, as if for a GET of an entity. */
export function errorResponse(status: number, message: string): Response {
  return HttpResponse.json(
    {
      error: { name: 'Error', message },
      request: { method: 'GET', url: '/v1/entities' },
      response: { statusCode: status },
    },
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
