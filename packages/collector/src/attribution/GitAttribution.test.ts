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
