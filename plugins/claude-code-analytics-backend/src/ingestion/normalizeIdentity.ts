/**
 * The form identities are stored and matched in: trimmed and lower case, since emails and GitHub
 * logins are case-insensitive.
 */
export function normalizeIdentity(identity: string): string {
  return identity.trim().toLocaleLowerCase('en-US');
}

/** `org/repo` in lower case, without a `.git` suffix or a host prefix. */
export function normalizeRepository(repository: string): string {
  return repository
    .trim()
    .toLocaleLowerCase('en-US')
    .replace(/^(https?:\/\/)?(www\.)?github\.com\//, '')
    .replace(/\.git$/, '')
    .replace(/\/+$/, '');
}
