import type { TokenCounts } from '../records/records';

/**
 * USD per million tokens of one model family.
 *
 * @public
 */
export type ModelPrice = {
  input: number;
  cacheWrite5m: number;
  cacheWrite1h: number;
  cacheRead: number;
  output: number;
};

/**
 * A price table entry: model ids matching `pattern` cost `price`.
 *
 * @public
 */
export type PriceTableEntry = {
  /** A case-insensitive regular expression tested against the model id. */
  pattern: string;
  price: ModelPrice;
};

const price = (
  input: number,
  cacheWrite5m: number,
  cacheWrite1h: number,
  cacheRead: number,
  output: number,
): ModelPrice => ({ input, cacheWrite5m, cacheWrite1h, cacheRead, output });

/**
 * Anthropic's list prices (USD per million tokens). Model ids are matched loosely so that dated ids
 * (`claude-sonnet-4-5-20250929`), Bedrock ids (`us.anthropic.claude-sonnet-4-5-...-v1:0`) and Vertex
 * ids (`claude-sonnet-4-5@20250929`) find their family. The first matching entry wins.
 *
 * @public
 */
export const DEFAULT_PRICE_TABLE: PriceTableEntry[] = [
  { pattern: 'opus-4[-.][5-8](?!\\d)', price: price(5, 6.25, 10, 0.5, 25) },
  {
    // Opus 4 (`claude-opus-4-20250514`) and Opus 4.1.
    pattern: 'opus-4(?:[-.][01](?!\\d)|-\\d{8}|(?![-.]?\\d))',
    price: price(15, 18.75, 30, 1.5, 75),
  },
  { pattern: 'sonnet-4', price: price(3, 3.75, 6, 0.3, 15) },
  { pattern: 'haiku-4[-.]5', price: price(1, 1.25, 2, 0.1, 5) },
  { pattern: '3[-.]5-haiku|haiku-3[-.]5', price: price(0.8, 1, 1.6, 0.08, 4) },
];

/**
 * The price of a model from a table, or undefined when no entry matches (the usage is then
 * reported as unpriced, never as free).
 *
 * @public
 */
export function findModelPrice(
  model: string,
  table: PriceTableEntry[] = DEFAULT_PRICE_TABLE,
): ModelPrice | undefined {
  return table.find(entry => new RegExp(entry.pattern, 'i').test(model))
    ?.price;
}

/**
 * Cost of token counts in integer micro-dollars, rounded once at the end. Cache creation tokens are
 * priced as 5-minute cache writes unless `cacheCreation1h` says how many were 1-hour writes.
 * `multiplier` carries a provider premium (e.g. 1.1 for regional Bedrock endpoints).
 *
 * @public
 */
export function costMicros(
  tokens: TokenCounts & { cacheCreation1h?: number },
  modelPrice: ModelPrice,
  multiplier = 1,
): number {
  const oneHour = Math.min(tokens.cacheCreation1h ?? 0, tokens.cacheCreation);
  const fiveMinutes = tokens.cacheCreation - oneHour;
  // USD per million tokens times tokens is micro-dollars.
  const micros =
    tokens.input * modelPrice.input +
    tokens.output * modelPrice.output +
    tokens.cacheRead * modelPrice.cacheRead +
    fiveMinutes * modelPrice.cacheWrite5m +
    oneHour * modelPrice.cacheWrite1h;
  return Math.round(micros * multiplier);
}

/**
 * US dollars to integer micro-dollars.
 *
 * @public
 */
export function usdToMicros(usd: number): number {
  return Math.round(usd * 1_000_000);
}

/**
 * Integer micro-dollars to US dollars.
 *
 * @public
 */
export function microsToUsd(micros: number): number {
  return micros / 1_000_000;
}
