/**
 * The default of `claudeCodeAnalytics.privacy.minimumGroupSize`.
 *
 * @public
 */
export const DEFAULT_MINIMUM_GROUP_SIZE = 5;

/**
 * Whether an aggregate over `activePeople` people must be withheld: it stands for at least one
 * person but fewer than the minimum group size. An aggregate over nobody reveals nothing.
 *
 * @public
 */
export function isSuppressed(
  activePeople: number,
  minimumGroupSize: number,
): boolean {
  return activePeople > 0 && activePeople < minimumGroupSize;
}
