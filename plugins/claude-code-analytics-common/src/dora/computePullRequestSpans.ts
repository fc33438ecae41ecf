import { DeliveryPullRequest } from './deliveryInput';
import { parseInstant, parseOptionalInstant } from './parseInstant';

/**
 * The stages of one pull request, in milliseconds. A stage is undefined when one of its ends is
 * unknown or when it is negative (rebased or back-dated commits, a review before the pull request
 * was opened): negative spans are dropped, never clamped to zero.
 *
 * @public
 */
export type PullRequestSpans = {
  /** First commit authored to pull request created. */
  codingMs?: number;
  /** Created to first review or comment by someone other than the author. */
  pickupMs?: number;
  /** First review to merged. */
  reviewMs?: number;
  /** Created to merged. */
  openMs?: number;
  /** Merged to the finish of the first successful production deployment carrying it. */
  deployMs?: number;
  /**
   * Apache DevLake's PR cycle time: coding + open + deploy, each counted when defined; defined for
   * every merged pull request.
   */
  cycleMs?: number;
  /** Change lead time: first commit authored to the finish of that deployment. */
  leadTimeMs?: number;
};

function span(start?: number, end?: number): number | undefined {
  if (start === undefined || end === undefined) {
    return undefined;
  }
  const ms = end - start;
  return ms >= 0 ? ms : undefined;
}

/**
 * The stages of a pull request (see {@link PullRequestSpans}), given when it first reached
 * production, if it did.
 *
 * @public
 */
export function computePullRequestSpans(
  pr: DeliveryPullRequest,
  deployedAt?: string,
): PullRequestSpans {
  const what = `of pull request ${pr.repository}#${pr.number}`;
  const created = parseInstant(pr.createdAt, `createdAt ${what}`);
  const firstCommit = parseOptionalInstant(
    pr.firstCommitAt,
    `firstCommitAt ${what}`,
  );
  const firstReview = parseOptionalInstant(
    pr.firstReviewAt,
    `firstReviewAt ${what}`,
  );
  const merged = parseOptionalInstant(pr.mergedAt, `mergedAt ${what}`);
  const deployed = parseOptionalInstant(deployedAt, `deployment ${what}`);

  const codingMs = span(firstCommit, created);
  const openMs = span(created, merged);
  const deployMs = span(merged, deployed);
  const cycleMs =
    merged === undefined
      ? undefined
      : (codingMs ?? 0) + (openMs ?? 0) + (deployMs ?? 0);
  return {
    codingMs,
    pickupMs: span(created, firstReview),
    reviewMs: span(firstReview, merged),
    openMs,
    deployMs,
    cycleMs,
    leadTimeMs: span(firstCommit, deployed),
  };
}
