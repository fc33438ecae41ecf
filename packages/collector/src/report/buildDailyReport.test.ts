import { join } from 'node:path';
import { main } from '../main';
import { parseTranscriptLine } from '../transcripts/parseTranscriptLine';
import type { TranscriptUsage } from '../transcripts/TranscriptUsage';
import {
  assistantLine,
  FIXTURE_CONFIG_DIR,
  itWithFixtures,
} from '../testUtils/transcriptLines';
import { buildDailyReport } from './buildDailyReport';
import { formatReportTable } from './formatReportTable';

const usage = (
  options: Parameters<typeof assistantLine>[0],
): TranscriptUsage => {
  const parsed = parseTranscriptLine(assistantLine(options));
  if (parsed.kind !== 'usage') throw new Error('not a usage');
  return parsed.usage;
};

describe('buildDailyReport', () => {
  const usages = [
    usage({
      timestamp: '2026-11-20T10:00:00Z',
      input: 1_000_000,
      output: 1_000_000,
    }),
    usage({
      timestamp: '2026-11-20T23:00:00Z',
      model: 'claude-opus-4-5',
      input: 0,
      output: 0,
      cacheCreation: 1_000_000,
      cacheCreation1h: 400_000,
      cacheRead: 2_000_000,
    }),
    usage({
      timestamp: '2026-11-21T00:30:00Z',
      model: 'claude-opus-5-5',
      input: 10,
      output: 1,
    }),
  ];

  it('sums per UTC day and model and prices with the shared table', () => {
    const report = buildDailyReport(usages);
    expect(report.rows).toEqual([
      {
        date: '2026-11-20',
        model: 'claude-opus-4-5',
        inputTokens: 0,
        outputTokens: 0,
        cacheCreationTokens: 1_000_000,
        cacheReadTokens: 2_000_000,
        totalTokens: 3_000_000,
        // 0.6M x 6.25 + 0.4M x 10 (1-hour writes) + 2M x 0.50
        costUsd: 3.75 + 4 + 1,
      },
      {
        date: '2026-11-20',
        model: 'claude-sonnet-4-5-20250929',
        inputTokens: 1_000_000,
        outputTokens: 1_000_000,
        cacheCreationTokens: 0,
        cacheReadTokens: 0,
        totalTokens: 2_000_000,
        costUsd: 18,
      },
      {
        date: '2026-11-21',
        model: 'claude-opus-5-5',
        inputTokens: 10,
        outputTokens: 1,
        cacheCreationTokens: 0,
        cacheReadTokens: 0,
        totalTokens: 11,
        costUsd: undefined,
      },
    ]);
    expect(report.totals).toMatchObject({
      totalTokens: 5_000_011,
      costUsd: 26.75,
      unpricedModels: ['claude-opus-5-5'],
    });
  });

  it('filters by inclusive UTC days', () => {
    expect(
      buildDailyReport(usages, { since: '2026-11-21' }).rows.map(r => r.date),
    ).toEqual(['2026-11-21']);
    expect(
      buildDailyReport(usages, { until: '2026-11-20' }).rows.map(r => r.model),
    ).toEqual(['claude-opus-4-5', 'claude-sonnet-4-5-20250929']);
  });

  it('renders a table that shows unpriced models as such', () => {
    const table = formatReportTable(buildDailyReport(usages));
    expect(table.split('\n').slice(0, 5)).toEqual([
      'Date        Model                           Input     Output  Cache create  Cache read  Total tokens         Cost (USD)',
      '----------  --------------------------  ---------  ---------  ------------  ----------  ------------  -----------------',
      '2026-11-20  claude-opus-4-5                     0          0     1,000,000   2,000,000     3,000,000              $8.75',
      '2026-11-20  claude-sonnet-4-5-20250929  1,000,000  1,000,000             0           0     2,000,000             $18.00',
      '2026-11-21  claude-opus-5-5                    10          1             0           0            11           unpriced',
    ]);
    expect(table).toContain('$26.75 + unpriced');
    expect(table).toContain('No price for: claude-opus-5-5');
  });
});

describe('report command', () => {
  const run = async (...args: string[]) => {
    let stdout = '';
    const code = await main(
      ['report', '--claude-dir', FIXTURE_CONFIG_DIR, ...args],
      {
        env: {},
        homeDir: '/nonexistent',
        stdout: text => {
          stdout += text;
        },
        stderr: () => {},
      },
    );
    return { code, stdout };
  };

  itWithFixtures('reports the real transcripts as JSON', async () => {
    const { code, stdout } = await run('--json');
    expect(code).toBe(0);
    expect(JSON.parse(stdout).rows).toEqual([
      {
        date: '2026-11-25',
        model: 'claude-opus-5-5',
        // Two sessions of three requests each: 1200 in, 42 out, 300 written, 5000 read per request.
        inputTokens: 7200,
        outputTokens: 252,
        cacheCreationTokens: 1800,
        cacheReadTokens: 30000,
        totalTokens: 39252,
      },
    ]);
  });

  it('rejects a bad --since', async () => {
    expect((await run('--since', '2026-13-01')).code).toBe(1);
  });

  itWithFixtures(
    'prints nothing but headers and totals for an empty range',
    async () => {
      const { stdout } = await run('--until', '2026-01-01');
      expect(stdout).toContain('Total');
      expect(stdout).not.toContain('claude-opus-5-5');
    },
  );

  itWithFixtures('finds transcripts through CLAUDE_CONFIG_DIR', async () => {
    let stdout = '';
    await main(['report', '--json'], {
      env: { CLAUDE_CONFIG_DIR: `/nonexistent,${join(FIXTURE_CONFIG_DIR)}` },
      homeDir: '/nonexistent',
      stdout: text => {
        stdout += text;
      },
      stderr: () => {},
    });
    expect(JSON.parse(stdout).totals.totalTokens).toBe(39252);
  });
});
