import { apportion } from './apportion';

describe('apportion', () => {
  it('splits a whole number into whole parts that add up to it', () => {
    expect(apportion(10, [1, 1, 1])).toEqual([4, 3, 3]);
    expect(apportion(7, [3, 1])).toEqual([5, 2]);
    expect(apportion(1, [1, 1])).toEqual([1, 0]);
  });

  it('keeps the total for awkward weights', () => {
    const weights = [0.3, 7, 2.2, 11, 0.01];
    for (const total of [0, 1, 17, 1000003]) {
      const parts = apportion(total, weights);
      expect(parts.reduce((a, b) => a + b, 0)).toBe(total);
      parts.forEach(p => expect(Number.isInteger(p)).toBe(true));
    }
  });

  it('gives nothing when there is no weight', () => {
    expect(apportion(5, [])).toEqual([]);
    expect(apportion(5, [0, 0])).toEqual([0, 0]);
  });
});
