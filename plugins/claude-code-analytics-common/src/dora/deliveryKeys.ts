/**
 * The key of a pull request across repositories: pull request numbers are only unique within one.
 *
 * @public
 */
export function pullRequestKey(repository: string, number: number): string {
  return `${repository}#${number}`;
}

/** The key of a deployment or incident id within its repository. */
export function repositoryItemKey(repository: string, id: string): string {
  return `${repository}\n${id}`;
}
