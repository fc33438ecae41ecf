import { acceptRate } from './acceptRate';

describe('acceptRate', () => {
  it('is the share of accepted decisions', () => {
    expect(acceptRate({ accepted: 900, rejected: 100 })).toBe(0.9);
    expect(acceptRate({ accepted: 0, rejected: 4 })).toBe(0);
  });

  it('is undefined when the tool was never offered', () => {
    expect(acceptRate({ accepted: 0, rejected: 0 })).toBeUndefined();
  });
});
