/** How many distinct reasons are kept: enough to diagnose a sender, bounded against bad input. */
const MAX_REASONS = 20;

/** Counts the items a reader skipped and keeps a few distinct reasons for the ingestion log. */
export class Rejections {
  count = 0;
  private readonly distinctReasons = new Set<string>();

  add(reason: string): void {
    this.count += 1;
    if (this.distinctReasons.size < MAX_REASONS) {
      this.distinctReasons.add(reason);
    }
  }

  get reasons(): string[] {
    return [...this.distinctReasons];
  }
}
