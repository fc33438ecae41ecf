import { DeploymentFact } from '../../ingestion/types';
import { GithubApi } from './GithubApi';
import { FoundDeployment } from './readDeployments';

/** A merged pull request of the repository, as stored or just read. */
export type MergedPullRequest = {
  number: number;
  mergedAt: string;
  mergeCommitSha?: string;
};

type CompareResponse = { commits?: Array<{ sha?: string } | null> };

const COMPARE_PAGE_SIZE = 100;

/**
 * The pull requests each new production deployment carried: those whose merge commit is among the
 * commits between the previous successful production deployment's sha and its own (compare API,
 * one call per 100 commits). The first deployment carries the pull requests merged before it within
 * the backfill window; when the comparison is impossible (a sha gone after a force push) those
 * merged between the two deployments. Other environments carry none.
 */
export async function findCarriedPullRequests(
  api: GithubApi,
  repository: { owner: string; name: string },
  options: {
    deployments: FoundDeployment[];
    /** Successful production deployments already stored. */
    storedSuccesses: Array<{ id: string; finishedAt: string; sha?: string }>;
    mergedPullRequests: MergedPullRequest[];
    isProduction: (environment: string) => boolean;
    horizon: string;
  },
): Promise<DeploymentFact[]> {
  const bySha = new Map<string, number>();
  for (const pr of options.mergedPullRequests) {
    if (pr.mergeCommitSha) {
      bySha.set(pr.mergeCommitSha, pr.number);
    }
  }
  const newIds = new Set(options.deployments.map(d => d.id));
  const successes = [
    ...options.storedSuccesses.filter(d => !newIds.has(d.id)),
    ...options.deployments.filter(
      d => d.status === 'success' && options.isProduction(d.environment),
    ),
  ].sort((a, b) => a.finishedAt.localeCompare(b.finishedAt));

  const mergedBetween = (from: string, to: string) =>
    options.mergedPullRequests
      .filter(pr => pr.mergedAt >= from && pr.mergedAt <= to)
      .map(pr => pr.number);

  const result: DeploymentFact[] = [];
  const ordered = [...options.deployments].sort((a, b) =>
    a.finishedAt.localeCompare(b.finishedAt),
  );
  for (const deployment of ordered) {
    if (!options.isProduction(deployment.environment)) {
      result.push({ ...deployment, pullRequests: [] });
      continue;
    }
    const previous = successes
      .filter(
        d => d.finishedAt < deployment.finishedAt && d.id !== deployment.id,
      )
      .pop();
    let pullRequests: number[];
    if (!previous) {
      pullRequests = mergedBetween(options.horizon, deployment.finishedAt);
    } else if (previous.sha && deployment.sha) {
      const shas = await compareCommits(
        api,
        repository,
        previous.sha,
        deployment.sha,
      );
      pullRequests = shas
        ? shas.flatMap(sha => (bySha.has(sha) ? [bySha.get(sha)!] : []))
        : mergedBetween(previous.finishedAt, deployment.finishedAt);
    } else {
      pullRequests = mergedBetween(previous.finishedAt, deployment.finishedAt);
    }
    result.push({ ...deployment, pullRequests });
  }
  return result;
}

/** The shas of the commits in `head` since `base`; `undefined` when GitHub cannot compare them. */
async function compareCommits(
  api: GithubApi,
  repository: { owner: string; name: string },
  base: string,
  head: string,
): Promise<string[] | undefined> {
  if (base === head) {
    return [];
  }
  const shas: string[] = [];
  try {
    let page = await api.get<CompareResponse>(
      'GET /repos/{owner}/{repo}/compare/{basehead}',
      {
        owner: repository.owner,
        repo: repository.name,
        basehead: `${base}...${head}`,
        per_page: COMPARE_PAGE_SIZE,
      },
    );
    for (;;) {
      for (const commit of page.data?.commits ?? []) {
        if (commit?.sha) {
          shas.push(commit.sha);
        }
      }
      if (!page.next) {
        return shas;
      }
      page = await api.get<CompareResponse>(page.next);
    }
  } catch (error) {
    // 404: a sha that no longer exists (force push); the caller falls back to merge times.
    if ((error as { cause?: { status?: number } }).cause?.status === 404) {
      return undefined;
    }
    throw error;
  }
}
