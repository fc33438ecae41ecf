import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { createTempDir } from '../testUtils/transcriptLines';
import { GitAttribution } from './GitAttribution';

describe('GitAttribution', () => {
  const temp = createTempDir();
  afterAll(() => temp.cleanup());

  it('names the repository of a working directory from its origin remote, once per directory', async () => {
    const repo = join(temp.path, 'payments');
    execFileSync('git', ['init', '-q', repo]);
    execFileSync('git', [
      '-C',
      repo,
      'remote',
      'add',
      'origin',
      'git@github.com:Acme/Payments.git',
    ]);
    const attribution = GitAttribution.create();
    await expect(attribution.repositoryOf(repo)).resolves.toBe('acme/payments');

    execFileSync('git', [
      '-C',
      repo,
      'remote',
      'set-url',
      'origin',
      'https://github.com/acme/other',
    ]);
    // Cached: one git call per directory and run.
    await expect(attribution.repositoryOf(repo)).resolves.toBe('acme/payments');
    await expect(GitAttribution.create().repositoryOf(repo)).resolves.toBe(
      'acme/other',
    );

    // A long-running process asks again once an answer is older than maxAgeMs.
    let now = 0;
    const aging = GitAttribution.create({ maxAgeMs: 1000, now: () => now });
    await expect(aging.repositoryOf(repo)).resolves.toBe('acme/other');
    execFileSync('git', [
      '-C',
      repo,
      'remote',
      'set-url',
      'origin',
      'https://github.com/acme/third',
    ]);
    now = 999;
    await expect(aging.repositoryOf(repo)).resolves.toBe('acme/other');
    now = 1000;
    await expect(aging.repositoryOf(repo)).resolves.toBe('acme/third');
  });

  it('has no repository for missing directories, folders outside git and unknown cwd', async () => {
    const attribution = GitAttribution.create();
    await expect(
      attribution.repositoryOf(join(temp.path, 'gone')),
    ).resolves.toBeUndefined();
    await expect(attribution.repositoryOf(temp.path)).resolves.toBeUndefined();
    await expect(attribution.repositoryOf(undefined)).resolves.toBeUndefined();
  });
});
