import { median, percentile } from './statistics';

describe('median and percentile', () => {
  it('interpolates between ranks', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(percentile([1, 2, 3, 4, 5], 75)).toBe(4);
    expect(percentile([1, 2], 75)).toBe(1.75);
    expect(percentile([7], 75)).toBe(7);
  });

  it('is undefined without values and leaves the input alone', () => {
    expect(median([])).toBeUndefined();
    const values = [3, 1, 2];
    median(values);
    expect(values).toEqual([3, 1, 2]);
    expect(() => percentile([1], 101)).toThrow(RangeError);
  });
});
