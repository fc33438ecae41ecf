import {
  UsageActivityDailyRow,
  UsageModelDailyRow,
} from '../store/tables';
import { attributeUsage } from './attributeUsage';
import { reconcileUserDay } from './reconcileUserDay';

const key = (source: string, provider: string, repository = '') => ({
  source,
  identity: 'ada@example.com',
  date: '2026-03-02',
  provider,
  repository,
  variant: '',
});

const activity = (
  source: string,
  provider: string,
  sessions: number,
  repository = '',
): UsageActivityDailyRow => ({
  ...key(source, provider, repository),
  sessions,
  active_seconds: 0,
  lines_added: sessions * 10,
  lines_removed: 0,
  commits: 0,
  pull_requests: 0,
  received_at: new Date(),
});

const model = (
  source: string,
  provider: string,
  input: number,
  repository = '',
): UsageModelDailyRow => ({
  ...key(source, provider, repository),
  model: 'claude-sonnet-4-5',
  input_tokens: input,
  output_tokens: 1,
  cache_read_tokens: 0,
  cache_creation_tokens: 0,
  cost_micros: input * 3,
  unpriced_tokens: 0,
  cost_origin: 'priced',
  received_at: new Date(),
});

describe('reconcileUserDay', () => {
  it('takes the Admin API over session-level data for first-party usage, never both', () => {
    const result = reconcileUserDay({
      activity: [
        activity('admin-api', 'firstParty', 3),
        activity('sessions', 'firstParty', 2, 'acme/web'),
      ],
      models: [
        model('admin-api', 'firstParty', 1000),
        model('sessions', 'firstParty', 900, 'acme/web'),
      ],
      tools: [],
    });
    expect([...result.keys()]).toEqual(['']);
    expect(result.get('')!.activity.sessions).toBe(3);
    expect(result.get('')!.models.get('claude-sonnet-4-5')!.input_tokens).toBe(
      1000,
    );
  });

  it('fills providers the daily sources do not cover from session-level data', () => {
    const result = reconcileUserDay({
      activity: [
        activity('admin-api', 'firstParty', 3),
        activity('sessions', 'bedrock', 2, 'acme/web'),
      ],
      models: [
        model('admin-api', 'firstParty', 1000),
        model('sessions', 'bedrock', 500, 'acme/web'),
      ],
      tools: [],
    });
    expect(result.get('')!.activity.sessions).toBe(3);
    expect(result.get('acme/web')!.activity.sessions).toBe(2);
    expect(
      result.get('acme/web')!.models.get('claude-sonnet-4-5')!.input_tokens,
    ).toBe(500);
  });
});

describe('attributeUsage', () => {
  const components = (repository: string) =>
    ({ 'acme/web': ['component:default/web'] }[repository] ?? []);

  it('attributes usage that names a repository exactly', () => {
    const byRepository = reconcileUserDay({
      activity: [activity('sessions', 'bedrock', 2, 'acme/web')],
      models: [model('sessions', 'bedrock', 500, 'acme/web')],
      tools: [],
    });
    const shares = attributeUsage(byRepository, components, new Map());
    expect(shares).toHaveLength(1);
    expect(shares[0]).toMatchObject({
      componentRef: 'component:default/web',
      attribution: 'exact',
    });
    expect(shares[0].usage.activity.sessions).toBe(2);
  });

  it('estimates the rest from merged pull requests, keeping every total whole and complete', () => {
    const byRepository = reconcileUserDay({
      activity: [activity('admin-api', 'firstParty', 5)],
      models: [model('admin-api', 'firstParty', 1001)],
      tools: [],
    });
    const shares = attributeUsage(
      byRepository,
      components,
      new Map([
        ['component:default/api', 2],
        ['component:default/web', 1],
      ]),
    );
    expect(shares.map(s => [s.componentRef, s.attribution])).toEqual([
      ['component:default/api', 'estimated'],
      ['component:default/web', 'estimated'],
    ]);
    const sessions = shares.map(s => s.usage.activity.sessions);
    expect(sessions).toEqual([3, 2]);
    const input = shares.map(
      s => s.usage.models.get('claude-sonnet-4-5')!.input_tokens,
    );
    expect(input[0] + input[1]).toBe(1001);
    expect(input).toEqual([667, 334]);
  });

  it('keeps usage on the user alone when nothing points to a component', () => {
    const byRepository = reconcileUserDay({
      activity: [activity('admin-api', 'firstParty', 5, 'other/repo')],
      models: [],
      tools: [],
    });
    expect(attributeUsage(byRepository, components, new Map())).toEqual([]);
  });
});
