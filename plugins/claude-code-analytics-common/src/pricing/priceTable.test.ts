import { costMicros, findModelPrice, usdToMicros } from './priceTable';

describe('findModelPrice', () => {
  it.each([
    ['claude-sonnet-4-5-20250929', 3],
    ['us.anthropic.claude-sonnet-4-5-20250929-v1:0', 3],
    ['claude-sonnet-4-5@20250929', 3],
    ['claude-opus-4-5-20251101', 5],
    ['claude-opus-4-1-20250805', 15],
    ['claude-opus-4-20250514', 15],
    ['claude-haiku-4-5-20251001', 1],
    ['claude-3-5-haiku-20241022', 0.8],
  ])('prices %s at $%p per million input tokens', (model, input) => {
    expect(findModelPrice(model)?.input).toBe(input);
  });

  it('does not price a model it does not know', () => {
    expect(findModelPrice('claude-opus-5-20261001')).toBeUndefined();
  });
});

describe('costMicros', () => {
  const sonnet = findModelPrice('claude-sonnet-4-5')!;

  it('is exact in micro-dollars', () => {
    // 1M input tokens at $3 + 1M output at $15.
    expect(
      costMicros(
        { input: 1_000_000, output: 1_000_000, cacheRead: 0, cacheCreation: 0 },
        sonnet,
      ),
    ).toBe(usdToMicros(18));
  });

  it('prices cache writes by their lifetime and applies a provider premium', () => {
    const tokens = {
      input: 0,
      output: 0,
      cacheRead: 1_000_000,
      cacheCreation: 2_000_000,
      cacheCreation1h: 1_000_000,
    };
    // 0.30 + 3.75 + 6 = 10.05 USD
    expect(costMicros(tokens, sonnet)).toBe(10_050_000);
    expect(costMicros(tokens, sonnet, 1.1)).toBe(11_055_000);
  });
});
