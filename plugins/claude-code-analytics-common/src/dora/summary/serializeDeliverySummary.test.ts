import { collectDeliveryFacts } from '../collectDeliveryFacts';
import { deliveryPeriod } from '../deliveryPeriod';
import { EMPTY_DELIVERY_SUMMARY } from './DeliverySummary';
import { DeliverySummaryFormatError } from './DeliverySummaryFormatError';
import { deliveryMetricsFromSummary } from './deliveryMetricsFromSummary';
import {
  DELIVERY_SUMMARY_FORMAT_VERSION,
  parseDeliverySummary,
  serializeDeliverySummary,
} from './serializeDeliverySummary';
import { summarizeDeliveryFacts } from './summarizeDeliveryFacts';
import { generateDeliveryInput } from './testUtils/generateDeliveryInput';

const EMPTY_TEXT =
  '[1,[0,0,0,0,[0]],[0,0,0,0,[0]],[0,0,0,0,[0]],[0,[0],[0],[0],[0],[0],[0]],[0,[0],[0],[0],[0],[0],[0]]]';

/** The empty summary's text with one part replaced. */
function withPart(index: number, part: unknown): string {
  const value = JSON.parse(EMPTY_TEXT);
  value[index] = part;
  return JSON.stringify(value);
}

describe('serializeDeliverySummary and parseDeliverySummary', () => {
  const days = summarizeDeliveryFacts(
    collectDeliveryFacts(
      generateDeliveryInput({
        seed: 4,
        from: '2024-01-01',
        days: 30,
        repositories: 3,
        pullRequestsPerDay: 4,
      }),
    ),
  );

  it('writes the documented layout, starting with the format version', () => {
    expect(DELIVERY_SUMMARY_FORMAT_VERSION).toBe(1);
    expect(serializeDeliverySummary(EMPTY_DELIVERY_SUMMARY)).toBe(EMPTY_TEXT);
  });

  it('reads back every day it wrote, to the same text and the same metrics', () => {
    const period = deliveryPeriod('2024-01-01', '2024-01-01');
    expect(days.size).toBeGreaterThan(25);
    for (const summary of days.values()) {
      const text = serializeDeliverySummary(summary);
      const read = parseDeliverySummary(text);
      expect(serializeDeliverySummary(read)).toBe(text);
      expect(deliveryMetricsFromSummary(read, period)).toEqual(
        deliveryMetricsFromSummary(summary, period),
      );
      expect(deliveryMetricsFromSummary(read, period, 'aiAssisted')).toEqual(
        deliveryMetricsFromSummary(summary, period, 'aiAssisted'),
      );
    }
  });

  it.each([
    ['not JSON', 'nope', /not JSON/],
    ['an object', '{"v":1}', /non-empty array/],
    ['another version', '[2]', /format version 2, expected 1/],
    [
      'a missing part',
      '[1,[0,0,0,0,[0]]]',
      /the summary must be an array of 6/,
    ],
    [
      'a short deployment tally',
      withPart(1, [0, 0, 0, [0]]),
      /deployments of side all must be an array of 5/,
    ],
    [
      'a negative count',
      withPart(2, [0, -1, 0, 0, [0]]),
      /production of the deployments of side aiAssisted must be a non-negative integer/,
    ],
    [
      'a fractional count',
      withPart(4, [0.5, [0], [0], [0], [0], [0], [0]]),
      /merged of the pull requests of side aiAssisted/,
    ],
    [
      'more failures than deployments',
      withPart(3, [0, 1, 2, 0, [0]]),
      /side other count more successful or failed deployments than production ones/,
    ],
    [
      'more rework than successes',
      withPart(1, [1, 2, 0, 2, [0]]),
      /more rework than successful/,
    ],
    [
      'more cycle times than merged pull requests',
      withPart(5, [1, [0], [0], [0], [0], [0], [2]]),
      /more cycleMs samples \(2\) than merged pull requests \(1\)/,
    ],
    [
      'a malformed sketch',
      withPart(5, [0, [0, 10, -1, 1], [0], [0], [0], [0], [0]]),
      /leadTimeMs of the pull requests of side other: Malformed duration sketch: a gap/,
    ],
  ])('refuses %s', (_, text, reason) => {
    expect(() => parseDeliverySummary(text)).toThrow(
      DeliverySummaryFormatError,
    );
    expect(() => parseDeliverySummary(text)).toThrow(
      /^Malformed delivery summary: /,
    );
    expect(() => parseDeliverySummary(text)).toThrow(reason);
  });
});
