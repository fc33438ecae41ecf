import { mockServices } from '@backstage/backend-test-utils';
import {
  GITHUB_TEST_INTEGRATION,
  serveFakeGithub,
  setupGithubServer,
} from '../../__testUtils__/githubTestServer';
import { GithubApi, GithubRequestCounter } from './GithubApi';
import { listOrganizationRepositories } from './listOrganizationRepositories';
import { FakeGithub } from './__testUtils__/FakeGithub';
import { restRepository } from './__testUtils__/githubShapes';

describe('listOrganizationRepositories', () => {
  const server = setupGithubServer({ localhostPassesThrough: false });

  let fake: FakeGithub;
  let counter: GithubRequestCounter;
  beforeEach(() => {
    fake = serveFakeGithub(server);
    counter = { rest: 0, graphql: 0, notModified: 0, rateLimit: new Map() };
  });

  function api(baseUrl = 'https://api.github.com') {
    return GithubApi.create({
      token: GITHUB_TEST_INTEGRATION.token,
      baseUrl,
      counter,
      logger: mockServices.logger.mock(),
      maxRetries: 0,
      rateLimitReserve: 0,
      maxRequests: Number.POSITIVE_INFINITY,
      sleep: async () => {},
    });
  }

  const acme = { login: 'Acme', type: 'Organization' as const };
  const ada = { login: 'ada', type: 'User' as const };

  function acmeOrganization() {
    fake.addAccount('Acme', 'Organization', [
      restRepository(acme, { id: 1, name: 'Shop' }),
      restRepository(acme, { id: 2, name: 'web', private: true }),
      restRepository(acme, { id: 3, name: 'legacy', archived: true }),
      restRepository(acme, { id: 4, name: 'react', fork: true }),
      restRepository(acme, { id: 5, name: 'sandbox-ada' }),
      restRepository(acme, { id: 6, name: 'suspended', disabled: true }),
      restRepository(acme, { id: 7, name: 'billing', private: true }),
    ]);
  }

  it('lists every page of an organisation, without archived repositories, forks, disabled and excluded ones', async () => {
    acmeOrganization();
    fake.restPageSize = 3;

    const listed = await listOrganizationRepositories(
      api(),
      { name: 'acme', exclude: /^sandbox-/i },
      { installation: false },
    );

    expect(listed).toEqual({
      repositories: ['acme/shop', 'acme/web', 'acme/billing'],
      leftOut: 4,
    });
    // Three pages of three, the next ones found through the Link headers GitHub sends.
    expect(fake.requests.map(r => r.path)).toEqual([
      '/orgs/acme/repos?type=all&per_page=100',
      '/organizations/9000/repos?type=all&per_page=100&page=2',
      '/organizations/9000/repos?type=all&per_page=100&page=3',
    ]);
    expect(counter.rest).toBe(3);
  });

  it('includes archived repositories and forks when asked to', async () => {
    acmeOrganization();

    const listed = await listOrganizationRepositories(
      api(),
      { name: 'acme', includeArchived: true, includeForks: true },
      { installation: false },
    );

    expect(listed.repositories).toEqual([
      'acme/shop',
      'acme/web',
      'acme/legacy',
      'acme/react',
      'acme/sandbox-ada',
      'acme/billing',
    ]);
    expect(listed.leftOut).toBe(1);
  });

  it("lists a user account's public repositories with a token", async () => {
    fake.addAccount('ada', 'User', [
      restRepository(ada, { id: 11, name: 'dotfiles' }),
      restRepository(ada, { id: 12, name: 'notes', private: true }),
    ]);

    const listed = await listOrganizationRepositories(
      api(),
      { name: 'ada' },
      { installation: false },
    );

    expect(listed.repositories).toEqual(['ada/dotfiles']);
    expect(fake.requests.map(r => [r.path, r.status])).toEqual([
      ['/orgs/ada/repos?type=all&per_page=100', 404],
      ['/users/ada/repos?type=owner&per_page=100', 200],
    ]);
  });

  it('lists the repositories a GitHub App installation on a user account was granted, private ones too', async () => {
    fake.addAccount('ada', 'User', []);
    fake.restPageSize = 1;
    fake.installationRepositories = [
      restRepository(ada, { id: 11, name: 'dotfiles' }),
      restRepository(ada, { id: 12, name: 'notes', private: true }),
    ];

    const listed = await listOrganizationRepositories(
      api(),
      { name: 'Ada' },
      { installation: true },
    );

    expect(listed.repositories).toEqual(['ada/dotfiles', 'ada/notes']);
    expect(fake.requests.map(r => r.path)).toEqual([
      '/orgs/Ada/repos?type=all&per_page=100',
      '/installation/repositories?per_page=100',
      '/installation/repositories?per_page=100&page=2',
    ]);
  });

  it('names GitHub Enterprise repositories with their host', async () => {
    const ghe = serveFakeGithub(server, 'https://ghe.acme.example/api/v3');
    ghe.addAccount('platform', 'Organization', [
      restRepository(
        { login: 'platform', type: 'Organization' },
        { id: 1, name: 'billing' },
      ),
    ]);

    const listed = await listOrganizationRepositories(
      api('https://ghe.acme.example/api/v3'),
      { name: 'platform', host: 'ghe.acme.example' },
      { installation: false },
    );

    expect(listed.repositories).toEqual(['ghe.acme.example/platform/billing']);
  });

  it('says so when the name is neither an organisation nor a user', async () => {
    await expect(
      listOrganizationRepositories(
        api(),
        { name: 'ghost' },
        { installation: false },
      ),
    ).rejects.toThrow(
      'GitHub github.com has no organisation or user ghost that its credentials can see',
    );
  });
});
