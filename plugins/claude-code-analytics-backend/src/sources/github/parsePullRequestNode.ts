import { PullRequestFact } from '../../ingestion/types';
import { hasAiMarker } from 'backstage-plugin-claude-code-analytics-common';
import { parseInstant } from './parseInstant';

type Actor = { __typename?: string; login?: string } | null | undefined;

/**
 * A pull request node as {@link PULL_REQUESTS_QUERY} asks for it. Everything is optional because
 * it is checked, not trusted.
 */
export type PullRequestNode = {
  number?: number;
  title?: string;
  body?: string | null;
  createdAt?: string;
  updatedAt?: string;
  mergedAt?: string | null;
  additions?: number;
  deletions?: number;
  author?: Actor;
  mergeCommit?: { oid?: string } | null;
  labels?: { nodes?: Array<{ name?: string } | null> } | null;
  commits?: {
    nodes?: Array<{
      commit?: {
        oid?: string;
        message?: string;
        authoredDate?: string;
        committedDate?: string;
      };
    } | null>;
  } | null;
  reviews?: {
    nodes?: Array<{
      author?: Actor;
      state?: string;
      submittedAt?: string | null;
      createdAt?: string;
    } | null>;
  } | null;
  comments?: {
    nodes?: Array<{ author?: Actor; createdAt?: string } | null>;
  } | null;
};

/** One page of pull requests, newest update first. */
export const PULL_REQUESTS_QUERY = `
query PullRequests($owner: String!, $name: String!, $first: Int!, $after: String) {
  repository(owner: $owner, name: $name) {
    defaultBranchRef { name }
    pullRequests(first: $first, after: $after, orderBy: { field: UPDATED_AT, direction: DESC }) {
      pageInfo { hasNextPage endCursor }
      nodes {
        number
        title
        body
        createdAt
        updatedAt
        mergedAt
        additions
        deletions
        author { __typename login }
        mergeCommit { oid }
        labels(first: 30) { nodes { name } }
        commits(first: 100) {
          nodes { commit { oid message authoredDate committedDate } }
        }
        reviews(first: 20) {
          nodes { author { __typename login } state submittedAt createdAt }
        }
        comments(first: 20) {
          nodes { author { __typename login } createdAt }
        }
      }
    }
  }
}`;

/** GitHub shows deleted accounts as this login. */
const GHOST = 'ghost';

function earliest(values: Array<string | undefined>): string | undefined {
  const present = values.filter((v): v is string => v !== undefined).sort();
  return present[0];
}

/** Someone other than the author, and a person (bots' comments are no pickup). */
function isReviewer(actor: Actor, author: string): boolean {
  return (
    !!actor?.login &&
    actor.__typename !== 'Bot' &&
    actor.login.toLocaleLowerCase('en-US') !== author.toLocaleLowerCase('en-US')
  );
}

/**
 * A pull request node turned into a {@link PullRequestFact}, or why it cannot be. The body and
 * commit messages are read for Claude Code markers only and are not kept.
 */
export function parsePullRequestNode(
  repository: string,
  node: PullRequestNode | null | undefined,
):
  | { ok: true; pullRequest: PullRequestFact; updatedAt: string }
  | { ok: false; reason: string; updatedAt?: string } {
  const updatedAt = parseInstant(node?.updatedAt);
  if (!node || !Number.isInteger(node.number) || node.number! <= 0) {
    return { ok: false, reason: 'a pull request without a number', updatedAt };
  }
  const createdAt = parseInstant(node.createdAt);
  if (!createdAt || !updatedAt) {
    return {
      ok: false,
      reason: `#${node.number} has no valid createdAt or updatedAt`,
      updatedAt,
    };
  }
  const author = node.author?.login || GHOST;
  const commits = (node.commits?.nodes ?? []).flatMap(n =>
    n?.commit ? [n.commit] : [],
  );
  const labels = (node.labels?.nodes ?? []).flatMap(n =>
    typeof n?.name === 'string' ? [n.name] : [],
  );
  const reviewedAt = (node.reviews?.nodes ?? []).map(review =>
    review && review.state !== 'PENDING' && isReviewer(review.author, author)
      ? parseInstant(review.submittedAt ?? review.createdAt)
      : undefined,
  );
  const commentedAt = (node.comments?.nodes ?? []).map(comment =>
    comment && isReviewer(comment.author, author)
      ? parseInstant(comment.createdAt)
      : undefined,
  );
  const mergedAt = parseInstant(node.mergedAt);
  return {
    ok: true,
    updatedAt,
    pullRequest: {
      repository,
      number: node.number!,
      author,
      createdAt,
      firstCommitAt: earliest(
        commits.map(c => parseInstant(c.authoredDate ?? c.committedDate)),
      ),
      firstReviewAt: earliest([...reviewedAt, ...commentedAt]),
      mergedAt,
      mergeCommitSha: mergedAt ? node.mergeCommit?.oid : undefined,
      aiAssisted: hasAiMarker({
        body: node.body ?? undefined,
        labels,
        commitMessages: commits.flatMap(c =>
          typeof c.message === 'string' ? [c.message] : [],
        ),
      }),
      additions: Number.isInteger(node.additions) ? node.additions : undefined,
      deletions: Number.isInteger(node.deletions) ? node.deletions : undefined,
      labels,
      title: typeof node.title === 'string' ? node.title : undefined,
    },
  };
}
