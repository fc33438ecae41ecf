import { NotFoundError } from '@backstage/errors';
import { normalizeRepository } from '../../ingestion/normalizeIdentity';
import { GithubApi } from './GithubApi';

/**
 * An organisation (or a user account) whose repositories are all read.
 *
 * @public
 */
export type GithubOrganization = {
  /** The organisation's or user's login. */
  name: string;
  /** Its GitHub host (an `integrations.github` host). Default `github.com`. */
  host?: string;
  /** Repositories whose name (without the owner) matches are left out. */
  exclude?: RegExp;
  /** Read archived repositories too. Default false: they no longer change. */
  includeArchived?: boolean;
  /** Read forks too. Default false: a fork's history is mostly its parent's. */
  includeForks?: boolean;
};

type RestRepository = {
  name?: string;
  full_name?: string;
  owner?: { login?: string } | null;
  archived?: boolean;
  disabled?: boolean;
  fork?: boolean;
};

const PAGE_SIZE = 100;

function statusOf(error: unknown): number | undefined {
  return (error as { cause?: { status?: number } }).cause?.status;
}

/** Every item of a REST list, following its Link headers. */
async function readAll(
  api: GithubApi,
  route: string,
  parameters: Record<string, unknown>,
  items: (data: any) => RestRepository[],
): Promise<RestRepository[]> {
  const all: RestRepository[] = [];
  let page = await api.get<unknown>(route, parameters);
  for (;;) {
    all.push(...items(page.data));
    if (!page.next) {
      return all;
    }
    page = await api.get<unknown>(page.next);
  }
}

/**
 * The repositories of an organisation, as slugs the GitHub source reads (`org/repo` on github.com,
 * `host/org/repo` elsewhere), without the archived ones, forks and excluded names unless asked
 * for. Disabled repositories cannot be read and are always left out.
 *
 * An organisation is listed with `GET /orgs/{org}/repos` (private and internal repositories
 * included when the credentials can see them). A name that is no organisation is a user account:
 * a GitHub App installation lists the repositories it was granted (`GET /installation/repositories`,
 * private ones included); a token lists the user's public repositories (`GET
 * /users/{username}/repos`), since GitHub shows a user's private repositories to nobody else.
 * Either way the list costs one request per 100 repositories and is read afresh on each run.
 */
export async function listOrganizationRepositories(
  api: GithubApi,
  organization: GithubOrganization,
  options: { installation: boolean },
): Promise<{ repositories: string[]; leftOut: number }> {
  const host = organization.host ?? 'github.com';
  const login = organization.name;
  let listed: RestRepository[];
  try {
    listed = await readAll(
      api,
      'GET /orgs/{org}/repos',
      { org: login, type: 'all', per_page: PAGE_SIZE },
      data => (Array.isArray(data) ? data : []),
    );
  } catch (error) {
    if (statusOf(error) !== 404) {
      throw error;
    }
    try {
      listed = options.installation
        ? (
            await readAll(
              api,
              'GET /installation/repositories',
              { per_page: PAGE_SIZE },
              data =>
                Array.isArray(data?.repositories) ? data.repositories : [],
            )
          ).filter(
            r =>
              r.owner?.login?.toLocaleLowerCase('en-US') ===
              login.toLocaleLowerCase('en-US'),
          )
        : await readAll(
            api,
            'GET /users/{username}/repos',
            { username: login, type: 'owner', per_page: PAGE_SIZE },
            data => (Array.isArray(data) ? data : []),
          );
    } catch (userError) {
      if (statusOf(userError) === 404) {
        throw new NotFoundError(
          `GitHub ${host} has no organisation or user ${login} that its credentials can see`,
        );
      }
      throw userError;
    }
  }

  const repositories = new Set<string>();
  let leftOut = 0;
  for (const repository of listed) {
    if (
      !repository?.name ||
      !repository.full_name ||
      repository.disabled ||
      (repository.archived && !organization.includeArchived) ||
      (repository.fork && !organization.includeForks) ||
      (organization.exclude &&
        repository.name.search(organization.exclude) >= 0)
    ) {
      leftOut += 1;
      continue;
    }
    const slug = normalizeRepository(repository.full_name);
    repositories.add(host === 'github.com' ? slug : `${host}/${slug}`);
  }
  return { repositories: [...repositories], leftOut };
}
