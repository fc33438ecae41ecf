import { DateTime } from 'luxon';
import { aggregateDeliveryFacts } from '../aggregateDeliveryFacts';
import { collectDeliveryFacts, DeliveryFacts } from '../collectDeliveryFacts';
import { computeDeliveryMetrics } from '../computeDeliveryMetrics';
import {
  DeliveryDeployment,
  DeliveryInput,
  DeliveryPullRequest,
} from '../deliveryInput';
import { deliveryPeriod } from '../deliveryPeriod';
import {
  MIN_COMPARABLE_PULL_REQUESTS,
  splitByAiAssistance,
} from '../splitByAiAssistance';
import { hasDevlakeFixtures } from '../testUtils/devlakeFixtures';
import { aiAssistanceSplitFromSummary } from './aiAssistanceSplitFromSummary';
import { deliveryMetricsFromSummary } from './deliveryMetricsFromSummary';
import { mergeDeliveryDays } from './mergeDeliveryDays';
import { summarizeDeliveryFacts } from './summarizeDeliveryFacts';
import { compareDeliveryMetrics } from './testUtils/compareDeliveryMetrics';
import { devlakeDeliveryInput } from '../testUtils/devlakeDeliveryInput';
import { generateDeliveryInput } from './testUtils/generateDeliveryInput';

type Events = Omit<DeliveryInput, 'from' | 'to'>;
type Range = { from: string; to: string };

/**
 * The engine's exact metrics of some events over a range, without collecting the facts again for
 * every range: `computeDeliveryMetrics` and `splitByAiAssistance` are `aggregateDeliveryFacts` of
 * `collectDeliveryFacts` of the events, which do not depend on the range. The first range of each
 * test goes through the public functions themselves, to show that both ways agree.
 */
function exactMetrics(facts: DeliveryFacts, range: Range) {
  const period = deliveryPeriod(range.from, range.to);
  return {
    all: aggregateDeliveryFacts(facts, period),
    split: {
      aiAssisted: aggregateDeliveryFacts(facts, period, {
        pullRequest: pr => pr.aiAssisted,
        deployment: d => d.carriesAiAssisted,
      }),
      other: aggregateDeliveryFacts(facts, period, {
        pullRequest: pr => !pr.aiAssisted,
        deployment: d => d.carriesOther,
      }),
    },
  };
}

/**
 * Summarises the events per day, merges the days of each range and checks the metrics and the
 * split against the engine's exact ones over the same range. Returns the tier differences the
 * thresholds explain.
 */
function expectSummariesToMatch(events: Events, ranges: Range[]): string[] {
  const facts = collectDeliveryFacts(events);
  const days = summarizeDeliveryFacts(facts);
  const explained: string[] = [];
  ranges.forEach((range, index) => {
    const period = deliveryPeriod(range.from, range.to);
    const summary = mergeDeliveryDays(days, period);
    const exact = exactMetrics(facts, range);
    if (index === 0) {
      const { comparable, ...split } = splitByAiAssistance({
        ...events,
        ...range,
      });
      expect(computeDeliveryMetrics({ ...events, ...range })).toEqual(
        exact.all,
      );
      expect(split).toEqual(exact.split);
      expect(aiAssistanceSplitFromSummary(summary, period).comparable).toBe(
        comparable,
      );
    }
    const split = aiAssistanceSplitFromSummary(summary, period);
    expect(split.comparable).toBe(
      exact.split.aiAssisted.mergedPullRequests >=
        MIN_COMPARABLE_PULL_REQUESTS &&
        exact.split.other.mergedPullRequests >= MIN_COMPARABLE_PULL_REQUESTS,
    );
    for (const [side, estimate, expected] of [
      ['all', deliveryMetricsFromSummary(summary, period), exact.all],
      ['aiAssisted', split.aiAssisted, exact.split.aiAssisted],
      ['other', split.other, exact.split.other],
    ] as const) {
      const { problems, explainedTierDifferences } = compareDeliveryMetrics(
        estimate,
        expected,
      );
      expect({ range, side, problems }).toEqual({ range, side, problems: [] });
      explained.push(
        ...explainedTierDifferences.map(
          d => `${range.from}..${range.to} ${side} ${d}`,
        ),
      );
    }
  });
  return explained;
}

// Read in place; skipped, with a message on the console, when the fixtures are absent.
const describeWithFixtures = hasDevlakeFixtures() ? describe : describe.skip;

const GENERATED_RANGES: Range[] = [
  { from: '2024-01-01', to: '2024-04-30' }, // everything
  { from: '2023-12-01', to: '2024-06-30' }, // wider than the data
  { from: '2024-01-01', to: '2024-01-01' }, // one day
  { from: '2024-02-29', to: '2024-02-29' }, // a leap day
  { from: '2024-01-15', to: '2024-02-14' }, // across a month end
  { from: '2024-02-10', to: '2024-03-09' }, // partial months around February
  { from: '2024-03-04', to: '2024-03-10' }, // a week
  { from: '2024-04-25', to: '2024-05-05' }, // deployments after the last pull request
  { from: '2023-06-01', to: '2023-06-30' }, // no data at all
];

describe('summarizeDeliveryFacts', () => {
  it.each([
    [1, 1, 0.5],
    [2, 4, 3],
    [3, 8, 6],
  ])(
    'gives the exact metrics and split of generated histories, medians within α (seed %i, %i repositories, %d PRs a day each)',
    (seed, repositories, pullRequestsPerDay) => {
      const events = generateDeliveryInput({
        seed,
        from: '2024-01-01',
        days: 120,
        repositories,
        pullRequestsPerDay,
      });
      expect(events.pullRequests.length).toBeGreaterThan(50);
      const explained = expectSummariesToMatch(events, GENERATED_RANGES);
      // A tier may only differ where the thresholds explain it; with these seeds none does.
      expect(explained).toEqual([]);
    },
  );

  describeWithFixtures("Apache DevLake's fixtures", () => {
    it('give the exact metrics, medians within α', () => {
      const events = devlakeDeliveryInput();
      expect(events.pullRequests.length).toBeGreaterThan(0);
      expect(
        expectSummariesToMatch(events, [
          { from: '2022-01-01', to: '2023-12-31' },
          { from: '2022-03-07', to: '2022-03-07' },
          { from: '2022-09-01', to: '2022-11-30' },
          { from: '2022-11-13', to: '2022-11-15' },
          { from: '2023-04-10', to: '2023-04-16' },
          { from: '2023-04-13', to: '2023-04-13' },
        ]),
      ).toEqual([]);
    });
  });

  describe('tiers at a threshold', () => {
    const day = 24 * 3_600_000;
    const deployedAt = '2024-03-05T12:00:00.000Z';
    const range = { from: '2024-03-04', to: '2024-03-10' };
    const withLeadTimes = (leadTimesMs: number[]): Events => ({
      pullRequests: leadTimesMs.map((leadTimeMs, i) => ({
        repository: 'acme/web',
        number: i + 1,
        firstCommitAt: new Date(
          Date.parse(deployedAt) - leadTimeMs,
        ).toISOString(),
        createdAt: '2024-03-05T00:00:00Z',
        mergedAt: '2024-03-05T01:00:00Z',
        aiAssisted: false,
      })),
      deployments: [
        {
          repository: 'acme/web',
          id: 'd1',
          environment: 'production',
          status: 'success',
          finishedAt: deployedAt,
          pullRequests: leadTimesMs.map((_, i) => i + 1),
        },
      ],
      incidents: [],
    });

    it('are exact for a median that is one duration, even exactly on the threshold', () => {
      // Day-resolution data makes lead times of exactly one day common: buckets never straddle
      // a threshold, so the tier stays "high" (24 h is not under a day).
      for (const leadTimes of [
        [day],
        [day - 1],
        [day - 1, day, day + 1],
        [day, day],
      ]) {
        expect(
          expectSummariesToMatch(withLeadTimes(leadTimes), [range]),
        ).toEqual([]);
      }
      const days = summarizeDeliveryFacts(
        collectDeliveryFacts(withLeadTimes([day])),
      );
      const period = deliveryPeriod(range.from, range.to);
      expect(
        deliveryMetricsFromSummary(mergeDeliveryDays(days, period), period)
          .leadTime.tier,
      ).toBe('high');
    });

    it('may differ only when the two middle values straddle a threshold and their mean is within α of it', () => {
      // 1 ms either side of a day: the exact median is exactly a day ("high"); each side reads
      // back within α, and their mean lands just under the day ("elite"). The comparison accepts
      // the difference only because the threshold lies between the two medians.
      const explained = expectSummariesToMatch(
        withLeadTimes([day - 1, day + 1]),
        [range],
      );
      expect(explained).toEqual([
        expect.stringMatching(
          /^2024-03-04..2024-03-10 all leadTime\.tier: elite for 23\.99\d* h, high for 24 h$/,
        ),
        expect.stringMatching(
          /^2024-03-04..2024-03-10 other leadTime\.tier: elite/,
        ),
      ]);
    });
  });

  describe('puts each event on the UTC day of the timestamp its metric counts', () => {
    const pr = (
      number: number,
      aiAssisted: boolean,
      mergedAt: string,
    ): DeliveryPullRequest => ({
      repository: 'acme/web',
      number,
      firstCommitAt: '2024-03-01T00:00:00Z',
      createdAt: '2024-03-01T10:00:00Z',
      mergedAt,
      aiAssisted,
    });
    const deployment = (
      id: string,
      finishedAt: string,
      pullRequests: number[],
      status: 'success' | 'failure' = 'success',
    ): DeliveryDeployment => ({
      repository: 'acme/web',
      id,
      environment: 'production',
      status,
      finishedAt,
      pullRequests,
    });
    const days = summarizeDeliveryFacts(
      collectDeliveryFacts({
        pullRequests: [
          pr(1, true, '2024-03-01T23:30:00-02:00'), // 2024-03-02 in UTC
          pr(2, false, '2024-03-02T08:00:00Z'),
          pr(3, true, '2024-03-04T08:00:00Z'), // never deployed
        ],
        deployments: [
          deployment('both', '2024-03-03T00:30:00+01:00', [1, 2]), // 2024-03-02 in UTC
          deployment('none', '2024-03-04T10:00:00Z', []),
          deployment('broken', '2024-03-05T10:00:00Z', [3], 'failure'),
          deployment('fix', '2024-03-06T01:00:00Z', []),
        ],
        incidents: [
          {
            repository: 'acme/web',
            id: 'i1',
            createdAt: '2024-03-04T12:00:00Z',
            resolvedAt: '2024-03-07T10:00:00Z',
          },
        ],
      }),
    );

    it('has a summary only for days with events, in ascending order', () => {
      expect([...days.keys()]).toEqual([
        '2024-03-02',
        '2024-03-04',
        '2024-03-05',
        '2024-03-06',
        '2024-03-07',
      ]);
    });

    it('counts merges, lead times and deployments on their UTC days, on their sides', () => {
      const day = days.get('2024-03-02')!;
      expect(day.pullRequests.aiAssisted.merged).toBe(1);
      expect(day.pullRequests.other.merged).toBe(1);
      expect(day.pullRequests.aiAssisted.leadTimeMs.count).toBe(1);
      expect(day.pullRequests.other.leadTimeMs.count).toBe(1);
      // One deployment carrying both kinds counts on both sides.
      for (const side of ['all', 'aiAssisted', 'other'] as const) {
        expect(day.deployments[side]).toMatchObject({
          successful: 1,
          production: 1,
          failed: 0,
          rework: 0,
        });
      }
    });

    it('counts a deployment without pull requests, its failure and rework, on "all" only', () => {
      // "none" is blamed for i1 (latest before it) and is rework of nothing; "fix" is the first
      // deployment while i1 is open: rework.
      expect(days.get('2024-03-04')!.deployments.all).toMatchObject({
        production: 1,
        failed: 1,
      });
      expect(days.get('2024-03-04')!.deployments.aiAssisted.production).toBe(0);
      expect(days.get('2024-03-06')!.deployments.all).toMatchObject({
        successful: 1,
        rework: 1,
      });
    });

    it("puts a recovery on its completion day, on its failed deployment's sides", () => {
      // "broken" (carrying AI-assisted #3) recovered by "fix" on 2024-03-06; i1, blamed on
      // "none", resolved on 2024-03-07.
      const sixth = days.get('2024-03-06')!.deployments;
      expect(sixth.all.recoveryMs.count).toBe(1);
      expect(sixth.aiAssisted.recoveryMs.count).toBe(1);
      expect(sixth.other.recoveryMs.count).toBe(0);
      const seventh = days.get('2024-03-07')!.deployments;
      expect(seventh.all.recoveryMs.count).toBe(1);
      expect(seventh.aiAssisted.recoveryMs.count).toBe(0);
      expect(days.get('2024-03-05')!.deployments.aiAssisted).toMatchObject({
        production: 1,
        successful: 0,
        failed: 1,
      });
    });
  });

  it('refuses a period that does not start and end at UTC midnight', () => {
    const days = summarizeDeliveryFacts(
      collectDeliveryFacts({
        pullRequests: [],
        deployments: [],
        incidents: [],
      }),
    );
    const period = deliveryPeriod('2024-03-04', '2024-03-10');
    expect(() =>
      mergeDeliveryDays(days, { ...period, startMs: period.startMs + 1 }),
    ).toThrow(/UTC midnight/);
    expect(DateTime.fromMillis(period.endMs, { zone: 'utc' }).toISODate()).toBe(
      '2024-03-11',
    );
  });
});
