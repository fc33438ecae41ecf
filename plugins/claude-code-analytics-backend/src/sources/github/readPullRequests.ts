import { PullRequestFact } from '../../ingestion/types';
import { GithubApi } from './GithubApi';
import {
  PULL_REQUESTS_QUERY,
  PullRequestNode,
  parsePullRequestNode,
} from './parsePullRequestNode';

type PullRequestsPage = {
  repository: {
    defaultBranchRef: { name: string } | null;
    pullRequests: {
      pageInfo: { hasNextPage: boolean; endCursor: string | null };
      nodes: Array<PullRequestNode | null>;
    };
  } | null;
};

/**
 * The pull requests of a repository updated since `since` (ISO), newest update first, one GraphQL
 * query per page: reading stops at the first pull request updated before `since`.
 */
export async function readPullRequests(
  api: GithubApi,
  repository: { owner: string; name: string; slug: string },
  options: { since: string; pageSize: number },
): Promise<{
  pullRequests: PullRequestFact[];
  skippedReasons: string[];
  newestUpdatedAt?: string;
  defaultBranch?: string;
}> {
  const pullRequests: PullRequestFact[] = [];
  const skippedReasons: string[] = [];
  let newestUpdatedAt: string | undefined;
  let defaultBranch: string | undefined;
  let after: string | undefined;
  for (;;) {
    const page = await api.graphql<PullRequestsPage>(PULL_REQUESTS_QUERY, {
      owner: repository.owner,
      name: repository.name,
      first: options.pageSize,
      after,
    });
    if (!page.repository) {
      throw new Error(`GitHub has no repository ${repository.slug}`);
    }
    defaultBranch = page.repository.defaultBranchRef?.name ?? defaultBranch;
    const { nodes, pageInfo } = page.repository.pullRequests;
    let reachedSince = false;
    for (const node of nodes) {
      const result = parsePullRequestNode(repository.slug, node);
      if (result.updatedAt && result.updatedAt < options.since) {
        reachedSince = true;
        break;
      }
      if (
        result.updatedAt &&
        !(newestUpdatedAt && newestUpdatedAt > result.updatedAt)
      ) {
        newestUpdatedAt = result.updatedAt;
      }
      if (result.ok) {
        pullRequests.push(result.pullRequest);
      } else {
        skippedReasons.push(`${repository.slug}: ${result.reason}`);
      }
    }
    if (reachedSince || !pageInfo.hasNextPage || !pageInfo.endCursor) {
      return { pullRequests, skippedReasons, newestUpdatedAt, defaultBranch };
    }
    after = pageInfo.endCursor;
  }
}
