/**
 * Turns a git remote URL into `org/repo` in lower case, the form the catalog's
 * `github.com/project-slug` annotation is matched against. Handles https, ssh, scp-like
 * (`git@host:org/repo.git`) and local paths; returns undefined when there are not two path
 * segments.
 *
 * @public
 */
export function normalizeRemoteUrl(url: string): string | undefined {
  let path = url.trim();
  const scheme = /^[a-z][a-z0-9+.-]*:\/\/[^/]*(\/.*)?$/i.exec(path);
  if (scheme) {
    path = scheme[1] ?? '';
  } else {
    const scpLike = /^[^/:]+:(?!\/)(.*)$/.exec(path);
    if (scpLike) {
      path = scpLike[1];
    }
  }
  const segments = path
    .replace(/\.git\/?$/i, '')
    .split('/')
    .filter(Boolean);
  if (segments.length < 2) {
    return undefined;
  }
  return segments.slice(-2).join('/').toLowerCase();
}
