/**
 * A small seeded pseudo-random generator (mulberry32) for property-style tests: the same seed
 * gives the same sequence, so a failure can be replayed.
 */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer from `min` to `max`, both inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  /** One of some cases, each with its probability; the last one takes what the others leave. */
  choose<T>(cases: ReadonlyArray<readonly [number, () => T]>): T {
    let roll = this.next();
    for (const [probability, make] of cases.slice(0, -1)) {
      if (roll < probability) {
        return make();
      }
      roll -= probability;
    }
    return cases[cases.length - 1][1]();
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  /** Log-normal around `median` with spread `sigma` (of the logarithm). */
  logNormal(median: number, sigma: number): number {
    const u = 1 - this.next();
    const v = this.next();
    const normal = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    return median * Math.exp(sigma * normal);
  }
}
