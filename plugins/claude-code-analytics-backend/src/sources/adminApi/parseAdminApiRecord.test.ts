import { parseAdminApiRecord } from './parseAdminApiRecord';

/** A record in the shape of the API documentation's example. */
const documented = {
  date: '2025-09-01T00:00:00Z',
  actor: { type: 'user_actor', email_address: 'Developer@Company.com' },
  organization_id: 'dc9f6c26-b22c-4831-8d01-0446bada88f1',
  customer_type: 'api',
  terminal_type: 'vscode',
  core_metrics: {
    num_sessions: 5,
    lines_of_code: { added: 1543, removed: 892 },
    commits_by_claude_code: 12,
    pull_requests_by_claude_code: 2,
  },
  tool_actions: {
    edit_tool: { accepted: 45, rejected: 5 },
    multi_edit_tool: { accepted: 12, rejected: 2 },
    write_tool: { accepted: 8, rejected: 1 },
    notebook_edit_tool: { accepted: 3, rejected: 0 },
  },
  model_breakdown: [
    {
      model: 'claude-sonnet-4-20250514',
      tokens: {
        input: 100000,
        output: 35000,
        cache_read: 10000,
        cache_creation: 5000,
      },
      estimated_cost: { currency: 'USD', amount: 1025 },
    },
    {
      model: 'claude-3-5-haiku-20241022',
      tokens: {
        input: 50000,
        output: 15000,
        cache_read: 5000,
        cache_creation: 2000,
      },
      estimated_cost: { currency: 'USD', amount: 26.5 },
    },
  ],
};

function parsed(record: unknown) {
  const result = parseAdminApiRecord(record);
  if (!result.ok) {
    throw new Error(`expected a usage day, got: ${result.reason}`);
  }
  return result.day;
}

function reasonOf(record: unknown) {
  const result = parseAdminApiRecord(record);
  if (result.ok) {
    throw new Error('expected the record to be rejected');
  }
  return result.reason;
}

describe('parseAdminApiRecord', () => {
  it('reads the documented record', () => {
    expect(parsed(documented)).toEqual({
      identity: 'Developer@Company.com',
      date: '2025-09-01',
      provider: 'firstParty',
      variant: 'api//vscode/local',
      activity: {
        sessions: 5,
        activeSeconds: 0,
        linesAdded: 1543,
        linesRemoved: 892,
        commits: 12,
        pullRequests: 2,
        toolDecisions: {
          Edit: { accepted: 45, rejected: 5 },
          MultiEdit: { accepted: 12, rejected: 2 },
          Write: { accepted: 8, rejected: 1 },
          NotebookEdit: { accepted: 3, rejected: 0 },
        },
      },
      models: [
        {
          model: 'claude-sonnet-4-20250514',
          tokens: {
            input: 100000,
            output: 35000,
            cacheRead: 10000,
            cacheCreation: 5000,
          },
          // 1025 cents = $10.25
          costMicros: 10_250_000,
        },
        {
          model: 'claude-3-5-haiku-20241022',
          tokens: {
            input: 50000,
            output: 15000,
            cacheRead: 5000,
            cacheCreation: 2000,
          },
          costMicros: 265_000,
        },
      ],
    });
  });

  it.each([
    ['2025-09-01', '2025-09-01'],
    ['2025-09-01T00:00:00Z', '2025-09-01'],
    ['2025-09-01T00:00:00.000Z', '2025-09-01'],
    ['2025-09-01T00:00:00+00:00', '2025-09-01'],
  ])('reads the date %p as %p', (date, expected) => {
    expect(parsed({ ...documented, date }).date).toBe(expected);
  });

  it('names an API key actor by its key name', () => {
    const day = parsed({
      ...documented,
      actor: { type: 'api_actor', api_key_name: 'ci-pipeline' },
    });
    expect(day.identity).toBe('ci-pipeline');
  });

  it('keeps separate records of one actor-day apart by their variant', () => {
    const variants = [
      {
        customer_type: 'subscription',
        subscription_type: 'enterprise',
        terminal_type: 'vscode',
        is_remote: false,
      },
      {
        customer_type: 'subscription',
        subscription_type: 'enterprise',
        terminal_type: 'vscode',
        is_remote: true,
      },
      {
        customer_type: 'subscription',
        subscription_type: 'team',
        terminal_type: 'vscode',
        is_remote: false,
      },
      {
        customer_type: 'subscription',
        subscription_type: 'enterprise',
        terminal_type: 'iTerm.app',
        is_remote: false,
      },
      {
        customer_type: 'api',
        subscription_type: null,
        terminal_type: 'vscode',
        is_remote: false,
      },
    ].map(fields => parsed({ ...documented, ...fields }).variant);
    expect(new Set(variants).size).toBe(variants.length);
    expect(variants[0]).toBe('subscription/enterprise/vscode/local');
    expect(variants[1]).toBe('subscription/enterprise/vscode/remote');
    // Stable: the same record gives the same key on every read.
    expect(parsed({ ...documented }).variant).toBe(parsed(documented).variant);
  });

  it('treats tool_actions as an open map', () => {
    const day = parsed({
      ...documented,
      tool_actions: {
        edit_tool: { accepted: 1, rejected: 0 },
        foo_bar_tool: { accepted: 2, rejected: 3 },
        not_a_tool_count: 7,
      },
    });
    expect(day.activity?.toolDecisions).toEqual({
      Edit: { accepted: 1, rejected: 0 },
      FooBar: { accepted: 2, rejected: 3 },
    });
  });

  it('ignores unknown fields', () => {
    const day = parsed({
      ...documented,
      brand_new_field: { anything: true },
      core_metrics: { ...documented.core_metrics, new_metric: 12 },
      model_breakdown: [
        {
          ...documented.model_breakdown[0],
          speed: 'fast',
          tokens: {
            ...documented.model_breakdown[0].tokens,
            cache_creation_1h: 9,
          },
        },
      ],
    });
    expect(day).toEqual({
      ...parsed(documented),
      models: [parsed(documented).models[0]],
    });
  });

  it('reads a record without its optional fields', () => {
    expect(
      parsed({
        date: '2025-09-01',
        actor: { type: 'user_actor', email_address: 'dev@company.com' },
      }),
    ).toEqual({
      identity: 'dev@company.com',
      date: '2025-09-01',
      provider: 'firstParty',
      variant: '///local',
      activity: {
        sessions: 0,
        activeSeconds: 0,
        linesAdded: 0,
        linesRemoved: 0,
        commits: 0,
        pullRequests: 0,
        toolDecisions: {},
      },
      models: [],
    });

    const sparse = parsed({
      ...documented,
      core_metrics: { num_sessions: 2, lines_of_code: null },
      tool_actions: { edit_tool: { accepted: 4 } },
      model_breakdown: [{ model: 'claude-opus-4-5', tokens: { input: 10 } }],
    });
    expect(sparse.activity).toMatchObject({
      sessions: 2,
      linesAdded: 0,
      commits: 0,
      toolDecisions: { Edit: { accepted: 4, rejected: 0 } },
    });
    expect(sparse.models).toEqual([
      {
        model: 'claude-opus-4-5',
        tokens: { input: 10, output: 0, cacheRead: 0, cacheCreation: 0 },
        costMicros: undefined,
      },
    ]);
  });

  it('leaves cost that is not in USD to the price table', () => {
    const [model] = parsed({
      ...documented,
      model_breakdown: [
        {
          ...documented.model_breakdown[0],
          estimated_cost: { currency: 'EUR', amount: 900 },
        },
      ],
    }).models;
    expect(model.costMicros).toBeUndefined();
  });

  it('sums a model listed twice', () => {
    const [entry] = documented.model_breakdown;
    const day = parsed({ ...documented, model_breakdown: [entry, entry] });
    expect(day.models).toEqual([
      {
        model: entry.model,
        tokens: {
          input: 200000,
          output: 70000,
          cacheRead: 20000,
          cacheCreation: 10000,
        },
        costMicros: 20_500_000,
      },
    ]);
  });

  it.each([
    [null, 'record is not an object'],
    [[], 'record is not an object'],
    [{ ...documented, actor: undefined }, 'actor is missing'],
    [
      { ...documented, actor: { type: 'user_actor' } },
      'actor of type "user_actor" has no email_address or api_key_name',
    ],
    [
      { ...documented, actor: { type: 'api_actor', api_key_name: '  ' } },
      'actor of type "api_actor" has no email_address or api_key_name',
    ],
    [{ ...documented, date: undefined }, 'date is missing'],
    [
      { ...documented, date: 'yesterday' },
      'date is not an RFC 3339 date: "yesterday"',
    ],
    [
      { ...documented, date: '2025-02-30' },
      'date is not an RFC 3339 date: "2025-02-30"',
    ],
    [
      { ...documented, core_metrics: { num_sessions: -1 } },
      'core_metrics.num_sessions is not a non-negative whole number: -1',
    ],
    [
      { ...documented, core_metrics: { num_sessions: NaN } },
      'core_metrics.num_sessions is not a non-negative whole number: NaN',
    ],
    [
      { ...documented, core_metrics: { num_sessions: '5' } },
      'core_metrics.num_sessions is not a non-negative whole number: "5"',
    ],
    [
      { ...documented, core_metrics: { lines_of_code: { added: 1.5 } } },
      'core_metrics.lines_of_code.added is not a non-negative whole number: 1.5',
    ],
    [
      { ...documented, tool_actions: { edit_tool: 3 } },
      'tool_actions.edit_tool is not an object',
    ],
    [
      { ...documented, model_breakdown: { model: 'x' } },
      'model_breakdown is not an array',
    ],
    [
      { ...documented, model_breakdown: [{ tokens: {} }] },
      'model_breakdown[0].model is missing',
    ],
    [
      {
        ...documented,
        model_breakdown: [{ model: 'm', tokens: { output: -5 } }],
      },
      'model_breakdown[0].tokens.output is not a non-negative whole number: -5',
    ],
    [
      {
        ...documented,
        model_breakdown: [
          { model: 'm', estimated_cost: { currency: 'USD', amount: NaN } },
        ],
      },
      'model_breakdown[0].estimated_cost.amount is not a non-negative number: NaN',
    ],
    [{ ...documented, is_remote: 'yes' }, 'is_remote is not a boolean: "yes"'],
  ])('rejects a malformed record with a reason (%#)', (record, reason) => {
    expect(reasonOf(record)).toBe(reason);
  });
});
