import { BatchSizer } from './BatchSizer';
import { yieldToEventLoop } from './yieldToEventLoop';

type Waiting<T> = {
  item: T;
  resolve: () => void;
  reject: (error: unknown) => void;
};

/**
 * Group commit: items added while a write is under way are written together by the next write,
 * and each caller's promise settles when its own item is stored. Under light load every item is
 * written at once (no added delay); under heavy load writes grow instead of queuing up.
 *
 * If a write of several items fails, each item is written again on its own, so that one bad item
 * fails only its own caller.
 */
export class GroupCommit<T> {
  private waiting: Waiting<T>[] = [];
  private writing = false;

  /**
   * @param maxItems - items per write at most: a number, or a BatchSizer that sizes each write
   *   from the times the writer records (on SQLite, where a write holds the event loop; the
   *   writer times its transaction, not the wait for the connection).
   */
  constructor(
    private readonly write: (items: T[]) => Promise<void>,
    private readonly maxItems: number | BatchSizer = 500,
  ) {}

  /** Resolves when the item is stored; rejects with the error of its write. */
  add(item: T): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      if (!this.writing) {
        this.writing = true;
        this.drain().finally(() => {
          this.writing = false;
        });
      }
    });
  }

  private async drain() {
    // Let the requests that already arrived reach add() first: on SQLite a whole write completes
    // without yielding to I/O, so without this pause every write would hold a single item.
    await yieldToEventLoop();
    while (this.waiting.length > 0) {
      const group = this.waiting.splice(
        0,
        typeof this.maxItems === 'number' ? this.maxItems : this.maxItems.size,
      );
      try {
        await this.write(group.map(w => w.item));
        group.forEach(w => w.resolve());
        await yieldToEventLoop();
      } catch (error) {
        if (group.length === 1) {
          group[0].reject(error);
          continue;
        }
        for (const one of group) {
          try {
            await this.write([one.item]);
            one.resolve();
          } catch (oneError) {
            one.reject(oneError);
          }
        }
      }
    }
  }
}
