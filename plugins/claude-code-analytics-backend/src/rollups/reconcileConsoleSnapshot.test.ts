import { UsageActivityDailyRow, UsageModelDailyRow } from '../store/tables';
import { reconcileUserDay } from './reconcileUserDay';

const activity = (
  source: string,
  provider: string,
  linesAdded: number,
): UsageActivityDailyRow => ({
  source,
  identity: 'ada@example.com',
  date: '2026-11-05',
  provider,
  repository: '',
  variant: '',
  sessions: linesAdded > 0 ? 1 : 0,
  active_seconds: 0,
  lines_added: linesAdded,
  lines_removed: 0,
  commits: 0,
  pull_requests: 0,
  received_at: new Date(),
});

const model = (
  source: string,
  provider: string,
  costMicros: number,
): UsageModelDailyRow => ({
  source,
  identity: 'ada@example.com',
  date: '2026-11-05',
  provider,
  repository: '',
  variant: '',
  model: source === 'console' ? 'console-export' : 'claude-sonnet-4-5',
  input_tokens: source === 'console' ? 0 : 100,
  output_tokens: 0,
  cache_read_tokens: 0,
  cache_creation_tokens: 0,
  cost_micros: costMicros,
  unpriced_tokens: 0,
  cost_origin: 'reported',
  received_at: new Date(),
});

describe('reconcileUserDay with a Console export snapshot', () => {
  it('gives a day the snapshot covers to the snapshot alone, even against the Admin API', () => {
    const result = reconcileUserDay({
      activity: [
        activity('console', 'firstParty', 0),
        activity('admin-api', 'firstParty', 40),
        activity('sessions', 'firstParty', 30),
      ],
      models: [
        model('admin-api', 'firstParty', 2_000_000),
        model('sessions', 'firstParty', 1_500_000),
      ],
      tools: [],
    });
    // An empty marker day of the snapshot: its usage sits in the month-to-date totals.
    expect(result.get('')!.activity.lines_added).toBe(0);
    expect(result.get('')!.models.size).toBe(0);
  });

  it('counts the totals on the as-of day and leaves other providers alone', () => {
    const result = reconcileUserDay({
      activity: [
        activity('console', 'firstParty', 500),
        activity('sessions', 'firstParty', 30),
        activity('sessions', 'bedrock', 7),
      ],
      models: [
        model('console', 'firstParty', 25_000_000),
        model('sessions', 'firstParty', 1_500_000),
        model('sessions', 'bedrock', 700_000),
      ],
      tools: [],
    });
    const vector = result.get('')!;
    expect(vector.activity.lines_added).toBe(507);
    expect(vector.models.get('console-export')!.cost_micros).toBe(25_000_000);
    expect(vector.models.get('claude-sonnet-4-5')!.cost_micros).toBe(700_000);
  });
});
