import { DeliveryPullRequest } from './deliveryInput';

const REVERT_TITLE = /^Revert "(.*)"$/s;

function hasLabel(
  pr: Pick<DeliveryPullRequest, 'labels'>,
  names: readonly string[],
): boolean {
  return (pr.labels ?? []).some(label =>
    names.includes(label.trim().toLocaleLowerCase('en-US')),
  );
}

/**
 * Whether a pull request undoes earlier work: its title starts with `Revert "` (the title GitHub
 * and `git revert` give it), or it is labelled `revert` or `rollback` (any case).
 *
 * @public
 */
export function isRevertPullRequest(
  pr: Pick<DeliveryPullRequest, 'title' | 'labels'>,
): boolean {
  return (
    (pr.title?.startsWith('Revert "') ?? false) ||
    hasLabel(pr, ['revert', 'rollback'])
  );
}

/**
 * Whether a pull request is labelled `hotfix` (any case).
 *
 * @public
 */
export function isHotfixPullRequest(
  pr: Pick<DeliveryPullRequest, 'labels'>,
): boolean {
  return hasLabel(pr, ['hotfix']);
}

/**
 * The title of the pull request a revert undoes, read from a `Revert "<title>"` title;
 * `undefined` for other titles.
 *
 * @public
 */
export function revertedTitle(title: string | undefined): string | undefined {
  return title?.match(REVERT_TITLE)?.[1];
}
