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
 * Options of {@link GitAttribution.create}.
 *
 * @public
 */
export type GitAttributionOptions = {
  /**
   * How long an answer of git is reused; by default for the life of the object. A long-running
   * process sets it, so that a remote added or changed later is seen.
   */
  maxAgeMs?: number;
  now?: () => number;
};

type Cached = { at: number; value: Promise<string | undefined> };

/**
 * Attributes transcript usage to a repository (the `origin` remote of the session's working
 * directory) and to a person (the git user email), asking git once per directory.
 *
 * @public
 */
export class GitAttribution {
  private readonly repositories = new Map<string, Cached>();
  private identity?: Cached;
  private readonly maxAgeMs: number;
  private readonly now: () => number;

  private constructor(options: GitAttributionOptions) {
    this.maxAgeMs = options.maxAgeMs ?? Infinity;
    this.now = options.now ?? Date.now;
  }

  /** Creates an attribution with empty caches. */
  static create(options: GitAttributionOptions = {}): GitAttribution {
    return new GitAttribution(options);
  }

  /** The cached answer if it is recent enough, else `ask()`'s, cached. */
  private cached(
    entry: Cached | undefined,
    ask: () => Promise<string | undefined>,
    store: (entry: Cached) => void,
  ): Promise<string | undefined> {
    const now = this.now();
    if (entry && now - entry.at < this.maxAgeMs) {
      return entry.value;
    }
    const fresh = { at: now, value: ask() };
    store(fresh);
    return fresh.value;
  }

  /**
   * `org/repo` of the `origin` remote of `cwd`, or undefined when `cwd` is unknown, gone, not a
   * git repository or has no `origin`.
   */
  repositoryOf(cwd: string | undefined): Promise<string | undefined> {
    if (!cwd) {
      return Promise.resolve(undefined);
    }
    return this.cached(
      this.repositories.get(cwd),
      async () => {
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
      },
      entry => this.repositories.set(cwd, entry),
    );
  }

  /** The `user.email` of the git configuration, or undefined when none is set. */
  gitUserEmail(): Promise<string | undefined> {
    return this.cached(
      this.identity,
      () => git(['config', '--get', 'user.email']),
      entry => {
        this.identity = entry;
      },
    );
  }
}
