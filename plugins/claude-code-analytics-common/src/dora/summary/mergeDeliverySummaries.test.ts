import { collectDeliveryFacts } from '../collectDeliveryFacts';
import { DeliverySummary, EMPTY_DELIVERY_SUMMARY } from './DeliverySummary';
import {
  mergeAllDeliverySummaries,
  mergeDeliverySummaries,
} from './mergeDeliverySummaries';
import { serializeDeliverySummary } from './serializeDeliverySummary';
import { summarizeDeliveryFacts } from './summarizeDeliveryFacts';
import { generateDeliveryInput } from './testUtils/generateDeliveryInput';
import { SeededRandom } from './testUtils/seededRandom';

describe('mergeDeliverySummaries and mergeAllDeliverySummaries', () => {
  const days = [
    ...summarizeDeliveryFacts(
      collectDeliveryFacts(
        generateDeliveryInput({
          seed: 9,
          from: '2024-01-01',
          days: 60,
          repositories: 3,
          pullRequestsPerDay: 3,
        }),
      ),
    ).values(),
  ];
  const random = new SeededRandom(9);
  const text = serializeDeliverySummary;

  it('is associative and commutative, with the empty summary as neutral element', () => {
    for (let round = 0; round < 100; round++) {
      const [a, b, c] = [
        random.pick(days),
        random.pick(days),
        random.pick(days),
      ];
      const ab = mergeDeliverySummaries(a, b);
      expect(text(ab)).toBe(text(mergeDeliverySummaries(b, a)));
      expect(text(mergeDeliverySummaries(ab, c))).toBe(
        text(mergeDeliverySummaries(a, mergeDeliverySummaries(b, c))),
      );
      expect(text(mergeDeliverySummaries(a, EMPTY_DELIVERY_SUMMARY))).toBe(
        text(a),
      );
    }
  });

  it('merges many at once as one by one', () => {
    for (const count of [0, 1, 2, 7, days.length]) {
      const some = Array.from({ length: count }, () => random.pick(days));
      expect(text(mergeAllDeliverySummaries(some))).toBe(
        text(some.reduce(mergeDeliverySummaries, EMPTY_DELIVERY_SUMMARY)),
      );
    }
  });

  it('leaves its arguments as they were', () => {
    const [a, b] = days;
    const before = [text(a), text(b)];
    mergeDeliverySummaries(a, b);
    expect([text(a), text(b)]).toEqual(before);
  });

  it('adds counts and pools durations', () => {
    const total = days.reduce(mergeDeliverySummaries, EMPTY_DELIVERY_SUMMARY);
    const sum = (pick: (s: DeliverySummary) => number) =>
      days.reduce((n, day) => n + pick(day), 0);
    expect(total.deployments.all.production).toBe(
      sum(d => d.deployments.all.production),
    );
    expect(total.pullRequests.other.merged).toBe(
      sum(d => d.pullRequests.other.merged),
    );
    expect(total.pullRequests.aiAssisted.leadTimeMs.count).toBe(
      sum(d => d.pullRequests.aiAssisted.leadTimeMs.count),
    );
  });
});
