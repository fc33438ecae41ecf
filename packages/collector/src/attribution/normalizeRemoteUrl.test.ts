import { normalizeRemoteUrl } from './normalizeRemoteUrl';

describe('normalizeRemoteUrl', () => {
  it.each([
    ['https://github.com/Acme/Payments.git', 'acme/payments'],
    ['https://github.com/acme/payments', 'acme/payments'],
    ['https://token@github.com/acme/payments.git/', 'acme/payments'],
    ['git@github.com:Acme/Payments.git', 'acme/payments'],
    ['ssh://git@github.example.com:2222/acme/web.git', 'acme/web'],
    ['git@gitlab.com:group/sub/Project.git', 'sub/project'],
    ['/srv/git/acme/tools.git', 'acme/tools'],
  ])('%s -> %s', (url, expected) => {
    expect(normalizeRemoteUrl(url)).toBe(expected);
  });

  it('returns undefined when there is no org and repo', () => {
    expect(normalizeRemoteUrl('https://github.com/')).toBeUndefined();
    expect(normalizeRemoteUrl('repo')).toBeUndefined();
  });
});
