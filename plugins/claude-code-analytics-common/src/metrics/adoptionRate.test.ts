import { adoptionRate } from './adoptionRate';
import { isSuppressed } from '../privacy/isSuppressed';

describe('adoptionRate', () => {
  it('is the share of members who were active', () => {
    expect(adoptionRate(3, 12)).toBe(0.25);
    expect(adoptionRate(0, 12)).toBe(0);
  });

  it('is zero without members and never above one', () => {
    expect(adoptionRate(2, 0)).toBe(0);
    expect(adoptionRate(5, 4)).toBe(1);
  });
});

describe('isSuppressed', () => {
  it('withholds aggregates over 1 to minimumGroupSize - 1 people', () => {
    expect(isSuppressed(1, 5)).toBe(true);
    expect(isSuppressed(4, 5)).toBe(true);
    expect(isSuppressed(5, 5)).toBe(false);
  });

  it('does not withhold an aggregate over nobody', () => {
    expect(isSuppressed(0, 5)).toBe(false);
  });
});
