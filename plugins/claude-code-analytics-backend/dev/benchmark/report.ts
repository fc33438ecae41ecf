/* eslint-disable no-console */

/** The p-th percentile (nearest rank) of some samples; NaN for none. */
export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) {
    return NaN;
  }
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

/** A Markdown table printed to the console, so the figures paste straight into the README. */
export class Table {
  private readonly rows: string[][] = [];

  constructor(private readonly header: string[]) {}

  row(...cells: string[]) {
    this.rows.push(cells);
  }

  print() {
    const widths = this.header.map((h, i) =>
      Math.max(h.length, ...this.rows.map(r => (r[i] ?? '').length)),
    );
    const line = (cells: string[]) =>
      `| ${cells.map((c, i) => (c ?? '').padEnd(widths[i])).join(' | ')} |`;
    console.log(line(this.header));
    console.log(`|${widths.map(w => '-'.repeat(w + 2)).join('|')}|`);
    for (const r of this.rows) {
      console.log(line(r));
    }
  }
}

/**
 * `fetch`, sent once more on a new connection when the first attempt fails at the network level: a
 * kept-alive connection the server closed while the benchmark was busy elsewhere (a long reference
 * query, a load run) fails once with ECONNRESET.
 */
export function fetchRetryingOnce(url: string, init?: RequestInit) {
  return fetch(url, init).catch(() => fetch(url, init));
}
