import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { normalizeRemoteUrl } from './normalizeRemoteUrl';

async function git(args: string[]): Promise<string | undefined> {
  return new Promise(resolvePromise => {
    execFile('git', args, { timeout: 10_000 }, (error, stdout) => {
      const value = stdout?.toString().trim();
      resolvePromise(error || !value ? undefined : value);
    });
  });
}

/**
 * Attributes transcript usage to a repository (the `origin` remote of the session's working
 * directory) and to a person (the git user email), asking git once per directory.
 *
 * @public
 */
export class GitAttribution {
  private readonly repositories = new Map<
    string,
    Promise<string | undefined>
  >();
  private identity?: Promise<string | undefined>;

  private constructor() {}

  /** Creates an attribution with empty caches. */
  static create(): GitAttribution {
    return new GitAttribution();
  }

  /**
   * `org/repo` of the `origin` remote of `cwd`, or undefined when `cwd` is unknown, gone, not a
   * git repository or has no `origin`.
   */
  repositoryOf(cwd: string | undefined): Promise<string | undefined> {
    if (!cwd) {
      return Promise.resolve(undefined);
    }
    let repository = this.repositories.get(cwd);
    if (!repository) {
      repository = (async () => {
        // git -C on a missing folder fails anyway; checking first avoids spawning a process.
        const exists = await fs.stat(cwd).then(
          stat => stat.isDirectory(),
          () => false,
        );
        if (!exists) {
          return undefined;
        }
        const url = await git([
          '-C',
          cwd,
          'config',
          '--get',
          'remote.origin.url',
        ]);
        return url ? normalizeRemoteUrl(url) : undefined;
      })();
      this.repositories.set(cwd, repository);
    }
    return repository;
  }

  /** The `user.email` of the git configuration, or undefined when none is set. */
  gitUserEmail(): Promise<string | undefined> {
    this.identity ??= git(['config', '--get', 'user.email']);
    return this.identity;
  }
}
