import { DateTime } from 'luxon';
import { DeliveryPeriod } from '../aggregateDeliveryFacts';
import { collectDeliveryFacts, DeliveryFacts } from '../collectDeliveryFacts';
import { deliveryPeriod } from '../deliveryPeriod';
import { DeliverySummary, EMPTY_DELIVERY_SUMMARY } from './DeliverySummary';
import { DurationSketch } from './DurationSketch';
import { mergeDeliveryDays } from './mergeDeliveryDays';
import { mergeDeliverySummaries } from './mergeDeliverySummaries';
import { serializeDeliverySummary } from './serializeDeliverySummary';
import { summarizeDeliveryFacts } from './summarizeDeliveryFacts';
import { generateDeliveryInput } from './testUtils/generateDeliveryInput';

/**
 * The summary of a whole period built straight from the facts, with the period filters of
 * `aggregateDeliveryFacts` rather than day by day: what the merged days must equal.
 */
function summarizePeriod(
  facts: DeliveryFacts,
  period: DeliveryPeriod,
): DeliverySummary {
  const inPeriod = (ms: number | undefined) =>
    ms !== undefined && ms >= period.startMs && ms < period.endMs;
  const sides = {
    all: () => true,
    aiAssisted: (d: { carriesAiAssisted: boolean }) => d.carriesAiAssisted,
    other: (d: { carriesOther: boolean }) => d.carriesOther,
  };
  const deploymentsOn = (side: keyof typeof sides) => {
    const deployments = facts.deployments.filter(
      d => inPeriod(d.finishedAtMs) && sides[side](d),
    );
    return {
      successful: deployments.filter(d => d.success).length,
      production: deployments.length,
      failed: deployments.filter(d => d.failed).length,
      rework: deployments.filter(d => d.success && d.rework).length,
      recoveryMs: DurationSketch.of(
        facts.recoveries
          .filter(
            r => inPeriod(r.recoveredAtMs) && sides[side](r.failedDeployment),
          )
          .map(r => r.durationMs),
      ),
    };
  };
  const pullRequestsOf = (aiAssisted: boolean) => {
    const prs = facts.pullRequests.filter(pr => pr.aiAssisted === aiAssisted);
    const merged = prs.filter(pr => inPeriod(pr.mergedAtMs));
    const stage = (pick: (spans: (typeof prs)[number]['spans']) => unknown) =>
      DurationSketch.of(
        merged
          .map(pr => pick(pr.spans))
          .filter((ms): ms is number => ms !== undefined),
      );
    return {
      merged: merged.length,
      leadTimeMs: DurationSketch.of(
        prs
          .filter(pr => inPeriod(pr.deployedAtMs))
          .map(pr => pr.spans.leadTimeMs)
          .filter((ms): ms is number => ms !== undefined),
      ),
      codingMs: stage(s => s.codingMs),
      pickupMs: stage(s => s.pickupMs),
      reviewMs: stage(s => s.reviewMs),
      deployMs: stage(s => s.deployMs),
      cycleMs: stage(s => s.cycleMs),
    };
  };
  return {
    deployments: {
      all: deploymentsOn('all'),
      aiAssisted: deploymentsOn('aiAssisted'),
      other: deploymentsOn('other'),
    },
    pullRequests: {
      aiAssisted: pullRequestsOf(true),
      other: pullRequestsOf(false),
    },
  };
}

/** The days from `from` to `to`, both inclusive. */
function daysBetween(from: string, to: string): string[] {
  const days: string[] = [];
  for (
    let day = DateTime.fromISO(from, { zone: 'utc' });
    day.toISODate()! <= to;
    day = day.plus({ days: 1 })
  ) {
    days.push(day.toISODate()!);
  }
  return days;
}

describe('mergeDeliveryDays', () => {
  const facts = collectDeliveryFacts(
    generateDeliveryInput({
      seed: 5,
      from: '2024-01-01',
      days: 150,
      repositories: 4,
      pullRequestsPerDay: 3,
    }),
  );
  const days = summarizeDeliveryFacts(facts);
  const ranges = [
    ['2024-01-01', '2024-05-29'],
    ['2024-01-17', '2024-03-09'], // partial months at both ends, a leap February inside
    ['2024-02-29', '2024-03-01'], // across a month end
    ['2024-03-31', '2024-04-01'],
    ['2024-04-10', '2024-04-10'],
    ['2023-12-20', '2024-01-05'], // starting before the data
    ['2024-05-20', '2024-06-15'], // ending after it
  ];

  it.each(ranges)(
    'summarises %s to %s day by day exactly as over the whole range at once',
    (from, to) => {
      const period = deliveryPeriod(from, to);
      expect(serializeDeliverySummary(mergeDeliveryDays(days, period))).toBe(
        serializeDeliverySummary(summarizePeriod(facts, period)),
      );
    },
  );

  it.each(ranges)(
    'gives the same summary of %s to %s from month rollups and the days at both ends',
    (from, to) => {
      // What the backend stores: a row per day and per month, merged per query as whole months
      // plus the days of the partial months at either end.
      const byMonth = new Map<string, DeliverySummary>();
      for (const [day, summary] of days) {
        const month = day.slice(0, 7);
        byMonth.set(
          month,
          mergeDeliverySummaries(
            byMonth.get(month) ?? EMPTY_DELIVERY_SUMMARY,
            summary,
          ),
        );
      }
      let merged = EMPTY_DELIVERY_SUMMARY;
      let rows = 0;
      const inRange = daysBetween(from, to);
      for (const month of new Set(inRange.map(day => day.slice(0, 7)))) {
        const monthDays = inRange.filter(day => day.startsWith(month));
        const whole =
          monthDays.length ===
          DateTime.fromISO(`${month}-01`, { zone: 'utc' }).daysInMonth;
        for (const key of whole ? [month] : monthDays) {
          const row = (whole ? byMonth : days).get(key);
          if (row) {
            merged = mergeDeliverySummaries(merged, row);
            rows++;
          }
        }
      }
      expect(rows).toBeLessThanOrEqual(inRange.length);
      expect(serializeDeliverySummary(merged)).toBe(
        serializeDeliverySummary(
          mergeDeliveryDays(days, deliveryPeriod(from, to)),
        ),
      );
    },
  );

  it('is empty for a period without events', () => {
    expect(
      mergeDeliveryDays(days, deliveryPeriod('2020-01-01', '2020-12-31')),
    ).toEqual(EMPTY_DELIVERY_SUMMARY);
  });

  it('refuses a key that is not a day', () => {
    const period = deliveryPeriod('2024-01-01', '2024-01-31');
    expect(() =>
      mergeDeliveryDays(new Map([['2024-01', EMPTY_DELIVERY_SUMMARY]]), period),
    ).toThrow(/not a day/);
    expect(() =>
      mergeDeliveryDays(
        new Map([['2024-02-30', EMPTY_DELIVERY_SUMMARY]]),
        period,
      ),
    ).toThrow(/not a day/);
  });
});
