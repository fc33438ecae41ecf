import { setupServer, SetupServer } from 'msw/node';
import { FakeGithub } from '../sources/github/__testUtils__/FakeGithub';

/**
 * The configuration of a backend that reads GitHub (github.com with a token), with more options of
 * the GitHub source in `github`.
 */
export function githubConfig(github: Record<string, unknown> = {}) {
  return {
    integrations: { github: [{ host: 'github.com', token: 'ghp_test' }] },
    claudeCodeAnalytics: { github: { enabled: true, ...github } },
  };
}

/**
 * An msw server for GitHub's stand-in, listening during the tests of the describe block that calls
 * this and without handlers after each test. The test backend is called over HTTP on localhost;
 * any other request without a handler is an error.
 */
export function setupGithubServer(): SetupServer {
  const server = setupServer();
  beforeAll(() =>
    server.listen({
      onUnhandledRequest: (req, print) => {
        if (
          !/^(127\.0\.0\.1|localhost|\[::1\])$/.test(new URL(req.url).hostname)
        ) {
          print.error();
        }
      },
    }),
  );
  afterAll(() => server.close());
  afterEach(() => server.resetHandlers());
  return server;
}

/** A fake GitHub, answering the requests `server` receives until the test ends. */
export function serveFakeGithub(server: SetupServer): FakeGithub {
  const fake = new FakeGithub();
  server.use(...fake.handlers());
  return fake;
}
