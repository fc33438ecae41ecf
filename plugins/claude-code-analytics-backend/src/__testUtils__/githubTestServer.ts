import { JsonObject } from '@backstage/types';
import { setupServer, SetupServer } from 'msw/node';
import { FakeGithub } from '../sources/github/__testUtils__/FakeGithub';

/** The GitHub integration the tests read github.com with: a test token. */
export const GITHUB_TEST_INTEGRATION = {
  host: 'github.com',
  token: 'ghp_test',
} as const;

/**
 * Root configuration with only `integrations.github`: by default the github.com integration with
 * a test token, or the given integrations instead.
 */
export function githubIntegrationsConfig(
  github: JsonObject[] = [{ ...GITHUB_TEST_INTEGRATION }],
) {
  return { integrations: { github } };
}

/**
 * The configuration of a backend that reads GitHub (github.com with a token), with more options of
 * the GitHub source in `github`.
 */
export function githubConfig(github: Record<string, unknown> = {}) {
  return {
    ...githubIntegrationsConfig(),
    claudeCodeAnalytics: { github: { enabled: true, ...github } },
  };
}

/** Options of {@link setupGithubServer}. */
export interface GithubServerOptions {
  /**
   * Whether requests to localhost without a handler pass through to the network (the default),
   * as the tests that call a test backend over HTTP need. When false, every request without a
   * handler is an error, localhost too: for tests that send no request of their own.
   */
  localhostPassesThrough?: boolean;
}

/**
 * An msw server for GitHub's stand-in, listening during the tests of the describe block that calls
 * this and without handlers after each test. By default the test backend is called over HTTP on
 * localhost and any other request without a handler is an error (see
 * {@link GithubServerOptions.localhostPassesThrough}).
 */
export function setupGithubServer(
  options: GithubServerOptions = {},
): SetupServer {
  const { localhostPassesThrough = true } = options;
  const server = setupServer();
  beforeAll(() =>
    server.listen({
      onUnhandledRequest: localhostPassesThrough
        ? (req, print) => {
            if (
              !/^(127\.0\.0\.1|localhost|\[::1\])$/.test(
                new URL(req.url).hostname,
              )
            ) {
              print.error();
            }
          }
        : 'error',
    }),
  );
  afterAll(() => server.close());
  afterEach(() => server.resetHandlers());
  return server;
}

/**
 * A fake GitHub (github.com's API, or the one at `apiBaseUrl`), answering the requests `server`
 * receives until the test ends.
 */
export function serveFakeGithub(
  server: SetupServer,
  apiBaseUrl?: string,
): FakeGithub {
  const fake = new FakeGithub(apiBaseUrl);
  server.use(...fake.handlers());
  return fake;
}
