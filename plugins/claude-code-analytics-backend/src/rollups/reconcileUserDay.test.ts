import {
  SessionActivityColumns,
  UsageActivityDailyRow,
  UsageModelDailyRow,
  UsageToolDailyRow,
} from '../store/tables';
import { attributeUsage } from './attributeUsage';
import { reconcileUserDay } from './reconcileUserDay';
import { addUsageVector, emptyUsageVector, isActive } from './UsageVector';

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

const tool = (
  source: string,
  provider: string,
  name: string,
  counts: Partial<
    Record<'accepted' | 'rejected' | 'succeeded' | 'failed', number>
  >,
  repository = '',
): UsageToolDailyRow => ({
  ...key(source, provider, repository),
  tool: name,
  accepted: 0,
  rejected: 0,
  succeeded: 0,
  failed: 0,
  ...counts,
});

/** A `sessions` row with the measures only session-level data has. */
const sessionActivity = (
  provider: string,
  sessions: number,
  measures: SessionActivityColumns,
  repository = 'acme/web',
): UsageActivityDailyRow => ({
  ...activity('sessions', provider, sessions, repository),
  ...measures,
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

describe('reconcileUserDay with prompts, API errors and tool runs', () => {
  const measures = {
    prompts: 4,
    prompt_characters: 120,
    api_requests: 6,
    api_errors: 1,
  };

  it('takes them from session-level data on a day the Admin API describes, and the rest from the Admin API', () => {
    const result = reconcileUserDay({
      activity: [
        activity('admin-api', 'firstParty', 3),
        sessionActivity('firstParty', 2, measures),
      ],
      models: [
        model('admin-api', 'firstParty', 1000),
        model('sessions', 'firstParty', 900, 'acme/web'),
      ],
      tools: [
        tool('admin-api', 'firstParty', 'Edit', { accepted: 10, rejected: 2 }),
        tool(
          'sessions',
          'firstParty',
          'Write',
          { accepted: 1, succeeded: 1 },
          'acme/web',
        ),
        tool(
          'sessions',
          'firstParty',
          'Bash',
          { succeeded: 3, failed: 1 },
          'acme/web',
        ),
      ],
    });

    expect([...result.keys()].sort()).toEqual(['', 'acme/web']);
    const adminDay = result.get('')!;
    expect(adminDay.activity).toMatchObject({
      sessions: 3,
      lines_added: 30,
      prompts: 0,
      api_errors: 0,
    });
    expect(Object.fromEntries(adminDay.tools)).toEqual({
      Edit: { accepted: 10, rejected: 2, succeeded: 0, failed: 0 },
    });

    // Only what the Admin API cannot know comes from the sessions, in their repository.
    const sessionDay = result.get('acme/web')!;
    expect(sessionDay.activity).toEqual({
      sessions: 0,
      active_seconds: 0,
      lines_added: 0,
      lines_removed: 0,
      commits: 0,
      pull_requests: 0,
      ...measures,
    });
    expect(sessionDay.models.size).toBe(0);
    expect(Object.fromEntries(sessionDay.tools)).toEqual({
      Write: { accepted: 0, rejected: 0, succeeded: 1, failed: 0 },
      Bash: { accepted: 0, rejected: 0, succeeded: 3, failed: 1 },
    });
    expect(isActive(sessionDay)).toBe(true);

    const total = emptyUsageVector();
    result.forEach(vector => addUsageVector(total, vector));
    expect(total.activity).toMatchObject({ sessions: 3, ...measures });
    expect(total.models.get('claude-sonnet-4-5')!.input_tokens).toBe(1000);
  });

  it('counts them once when session-level data is the chosen source', () => {
    const result = reconcileUserDay({
      activity: [
        activity('admin-api', 'firstParty', 3),
        sessionActivity('bedrock', 2, measures),
      ],
      models: [model('sessions', 'bedrock', 500, 'acme/web')],
      tools: [
        tool(
          'sessions',
          'bedrock',
          'Bash',
          { succeeded: 3, failed: 1, accepted: 2 },
          'acme/web',
        ),
      ],
    });
    expect(result.get('acme/web')!.activity).toMatchObject({
      sessions: 2,
      lines_added: 20,
      ...measures,
    });
    expect(result.get('acme/web')!.tools.get('Bash')).toEqual({
      accepted: 2,
      rejected: 0,
      succeeded: 3,
      failed: 1,
    });
    expect(result.get('')!.activity.prompts).toBe(0);
  });

  it('never adds the same measure of a daily source and of the sessions', () => {
    const result = reconcileUserDay({
      activity: [
        { ...activity('import', 'firstParty', 3), prompts: 50, api_errors: 9 },
        sessionActivity('firstParty', 2, measures, ''),
      ],
      models: [],
      tools: [
        tool('import', 'firstParty', 'Bash', { succeeded: 40, failed: 9 }),
        tool('sessions', 'firstParty', 'Bash', { succeeded: 3, failed: 1 }),
      ],
    });
    expect(result.get('')!.activity).toMatchObject({
      sessions: 3,
      ...measures,
    });
    expect(result.get('')!.tools.get('Bash')).toMatchObject({
      succeeded: 3,
      failed: 1,
    });
  });

  it('keeps them from a daily source of a provider without session-level data', () => {
    const result = reconcileUserDay({
      activity: [{ ...activity('demo', 'firstParty', 3), prompts: 7 }],
      models: [],
      tools: [tool('demo', 'firstParty', 'Bash', { succeeded: 5 })],
    });
    expect(result.get('')!.activity.prompts).toBe(7);
    expect(result.get('')!.tools.get('Bash')!.succeeded).toBe(5);
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

  it('gives prompts, errors and tool runs of a named repository to its component, next to an estimated Admin API day', () => {
    const byRepository = reconcileUserDay({
      activity: [
        activity('admin-api', 'firstParty', 5),
        sessionActivity('firstParty', 1, {
          prompts: 3,
          prompt_characters: 90,
          api_requests: 7,
          api_errors: 2,
        }),
      ],
      models: [model('admin-api', 'firstParty', 1001)],
      tools: [
        tool(
          'sessions',
          'firstParty',
          'Bash',
          { succeeded: 4, failed: 1 },
          'acme/web',
        ),
      ],
    });
    const shares = attributeUsage(
      byRepository,
      components,
      new Map([['component:default/api', 1]]),
    );
    expect(shares.map(s => [s.componentRef, s.attribution])).toEqual([
      ['component:default/web', 'exact'],
      ['component:default/api', 'estimated'],
    ]);
    expect(shares[0].usage.activity).toMatchObject({
      sessions: 0,
      prompts: 3,
      api_requests: 7,
      api_errors: 2,
    });
    expect(shares[0].usage.tools.get('Bash')).toMatchObject({
      succeeded: 4,
      failed: 1,
    });
    expect(shares[1].usage.activity).toMatchObject({ sessions: 5, prompts: 0 });
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
