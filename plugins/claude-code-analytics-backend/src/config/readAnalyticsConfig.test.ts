import { ConfigReader } from '@backstage/config';
import { JsonObject } from '@backstage/types';
import os from 'node:os';
import { readAnalyticsConfig } from './readAnalyticsConfig';

const github = (settings: Record<string, unknown>) =>
  readAnalyticsConfig(
    new ConfigReader({
      claudeCodeAnalytics: { github: { enabled: true, ...settings } },
    }),
  ).github;

describe('readAnalyticsConfig', () => {
  it('reads GitHub organisations as logins, host/login or objects', () => {
    expect(
      github({
        organizations: [
          'acme',
          'ghe.acme.example/platform',
          {
            name: 'labs',
            exclude: '^sandbox-',
            includeArchived: true,
            includeForks: true,
          },
        ],
      })?.options.organizations,
    ).toEqual([
      { name: 'acme' },
      { host: 'ghe.acme.example', name: 'platform' },
      {
        name: 'labs',
        host: undefined,
        exclude: /^sandbox-/i,
        includeArchived: true,
        includeForks: true,
      },
    ]);
    expect(github({})?.options.organizations).toBeUndefined();
  });

  it('rejects malformed organisations', () => {
    expect(() => github({ organizations: 'acme' })).toThrow(
      'claudeCodeAnalytics.github.organizations must be a list',
    );
    expect(() => github({ organizations: ['a/b/c'] })).toThrow(
      'claudeCodeAnalytics.github.organizations[0] must be an organisation login or host/login, got "a/b/c"',
    );
    expect(() => github({ organizations: [42] })).toThrow(
      'claudeCodeAnalytics.github.organizations[0] must be a login or an object with a name',
    );
    expect(() =>
      github({ organizations: [{ name: 'acme', exclude: '(' }] }),
    ).toThrow(
      'claudeCodeAnalytics.github.organizations[0].exclude: invalid pattern (',
    );
    expect(() => github({ organizations: [{ exclude: 'x' }] })).toThrow(
      "Missing required config value at 'name' in 'claudeCodeAnalytics.github.organizations[0]'",
    );
  });

  it('reads how often the catalog is looked at, in full and groups only', () => {
    const read = (ownership: JsonObject = {}) =>
      readAnalyticsConfig(
        new ConfigReader({ claudeCodeAnalytics: { ownership } }),
      );
    expect(read().ownershipRefresh.frequency).toEqual({ seconds: 1 });
    expect(read().ownershipFullLookMs).toBe(3_000);
    expect(
      read({ fullLookInterval: { seconds: 20 } }).ownershipFullLookMs,
    ).toBe(20_000);
    expect(read({ fullLookInterval: 'PT1M' }).ownershipFullLookMs).toBe(60_000);
    expect(() => read({ fullLookInterval: 'soon' })).toThrow(
      /fullLookInterval/,
    );
  });

  it('reads the OTLP decoding threads', () => {
    const read = (otlp: JsonObject = {}) =>
      readAnalyticsConfig(new ConfigReader({ claudeCodeAnalytics: { otlp } }))
        .otlpDecodeThreads;
    expect(read()).toBe(
      Math.min(4, Math.max(0, os.availableParallelism() - 1)),
    );
    expect(read({ decodeThreads: 0 })).toBe(0);
    expect(read({ decodeThreads: 3 })).toBe(3);
    expect(() => read({ decodeThreads: 1.5 })).toThrow(
      'claudeCodeAnalytics.otlp.decodeThreads must be a whole number from 0 to 64, got 1.5',
    );
    expect(() => read({ decodeThreads: -1 })).toThrow(/decodeThreads/);
  });

  it('reads the bound of OTLP exports in flight', () => {
    const read = (otlp: JsonObject = {}) =>
      readAnalyticsConfig(new ConfigReader({ claudeCodeAnalytics: { otlp } }))
        .otlpMaxPendingExports;
    expect(read()).toBe(500);
    expect(read({ maxPendingExports: 64 })).toBe(64);
    expect(() => read({ maxPendingExports: 0 })).toThrow(
      'claudeCodeAnalytics.otlp.maxPendingExports must be a whole number of at least 1, got 0',
    );
    expect(() => read({ maxPendingExports: 2.5 })).toThrow(/maxPendingExports/);
  });
});
