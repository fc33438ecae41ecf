import {
  isHotfixPullRequest,
  isRevertPullRequest,
  revertedTitle,
} from './reworkPullRequests';

describe('rework pull requests', () => {
  it('recognises reverts by title or label', () => {
    expect(isRevertPullRequest({ title: 'Revert "Add cache"' })).toBe(true);
    expect(isRevertPullRequest({ title: 'Reverting the cache' })).toBe(false);
    expect(isRevertPullRequest({ labels: ['Rollback'] })).toBe(true);
    expect(isRevertPullRequest({ labels: ['revert'] })).toBe(true);
    expect(isRevertPullRequest({})).toBe(false);
  });

  it('recognises hotfixes by label', () => {
    expect(isHotfixPullRequest({ labels: ['HotFix'] })).toBe(true);
    expect(isHotfixPullRequest({ labels: ['fix'] })).toBe(false);
  });

  it('reads the reverted title', () => {
    expect(revertedTitle('Revert "Add "quoted" cache"')).toBe(
      'Add "quoted" cache',
    );
    expect(revertedTitle('Add cache')).toBeUndefined();
    expect(revertedTitle(undefined)).toBeUndefined();
  });
});
