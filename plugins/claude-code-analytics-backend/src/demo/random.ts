/**
 * murmur3's 32-bit finalizer: spreads every input bit over the whole word, so that nearby seeds
 * and keys give unrelated streams.
 */
function mix32(value: number): number {
  let h = value >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * A small seeded pseudo-random number generator (mulberry32) with the helpers the demo
 * generators need. Not for anything security related.
 *
 * Streams are derived from a seed and a string key (`Random.derive(seed, 'person:ada')`), so that
 * every person, team or repository has its own stream and generated values never depend on the
 * order in which other entities were generated.
 *
 * @public
 */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = mix32(seed);
  }

  /** An independent stream for one key under one seed. */
  static derive(seed: number, key: string): Random {
    // FNV-1a over the key, started from the mixed seed.
    let h = mix32(seed) ^ 0x811c9dc5;
    for (let i = 0; i < key.length; i++) {
      h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
    }
    return new Random(h);
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max], both ends inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** A float in [min, max). */
  between(min: number, max: number): number {
    return min + this.next() * (max - min);
  }

  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** A normally distributed float (Box-Muller). */
  normal(mean: number, deviation: number): number {
    const u = 1 - this.next(); // in (0, 1], keeps the logarithm finite
    const v = this.next();
    return (
      mean + deviation * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v)
    );
  }

  /**
   * A log-normally distributed float around `median`, clamped to [min, max]: the usual shape of
   * durations and sizes (most small, a long tail).
   */
  logNormal(median: number, spread: number, min: number, max: number): number {
    const value = Math.exp(this.normal(Math.log(median), spread));
    return Math.min(max, Math.max(min, value));
  }

  /** A Poisson distributed count (Knuth's method; fine for the small rates used here). */
  poisson(rate: number): number {
    const limit = Math.exp(-rate);
    let count = 0;
    let product = this.next();
    while (product > limit) {
      count++;
      product *= this.next();
    }
    return count;
  }

  /** A string of lower-case hexadecimal digits, e.g. a commit sha. */
  hex(length: number): string {
    let out = '';
    while (out.length < length) {
      out += Math.floor(this.next() * 4294967296)
        .toString(16)
        .padStart(8, '0');
    }
    return out.slice(0, length);
  }

  /** A shuffled copy of a list (Fisher-Yates). */
  shuffle<T>(items: readonly T[]): T[] {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [out[i], out[j]] = [out[j], out[i]];
    }
    return out;
  }
}
