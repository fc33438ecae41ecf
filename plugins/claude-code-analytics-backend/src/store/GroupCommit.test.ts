import { BatchSizer } from './BatchSizer';
import { GroupCommit } from './GroupCommit';

describe('GroupCommit', () => {
  it('writes the first item at once and what arrives meanwhile in one write', async () => {
    const writes: number[][] = [];
    let release: () => void = () => {};
    const commits = new GroupCommit<number>(async items => {
      writes.push(items);
      if (writes.length === 1) {
        await new Promise<void>(resolve => {
          release = resolve;
        });
      }
    });
    const first = commits.add(1);
    await new Promise(resolve => setImmediate(resolve));
    const rest = [2, 3, 4].map(n => commits.add(n));
    expect(writes).toEqual([[1]]);
    release();
    await Promise.all([first, ...rest]);
    expect(writes).toEqual([[1], [2, 3, 4]]);
  });

  it('groups the items that arrived together, up to a maximum size', async () => {
    const writes: number[][] = [];
    const commits = new GroupCommit<number>(async items => {
      writes.push(items);
    }, 2);
    await Promise.all([1, 2, 3, 4, 5].map(n => commits.add(n)));
    expect(writes).toEqual([[1, 2], [3, 4], [5]]);
  });

  it('sizes the writes by the time they take, with a BatchSizer', async () => {
    const writes: number[][] = [];
    // 5 ms per item, 10 ms per write wanted: two items per write once the first was timed.
    const sizer = BatchSizer.aimingAt(10, { max: 100, min: 1 });
    const commits = new GroupCommit<number>(async items => {
      writes.push(items);
      await sizer.time(
        items.length,
        () => new Promise(resolve => setTimeout(resolve, 5 * items.length)),
      );
    }, sizer);
    await Promise.all(Array.from({ length: 20 }, (_, n) => commits.add(n)));
    expect(writes[0]).toHaveLength(20);
    await Promise.all(
      Array.from({ length: 10 }, (_, n) => commits.add(20 + n)),
    );
    const later = writes.slice(1);
    expect(later.flat()).toEqual(Array.from({ length: 10 }, (_, n) => 20 + n));
    for (const write of later) {
      expect(write.length).toBeLessThanOrEqual(2);
    }
  });

  it('fails only the callers whose own item cannot be written', async () => {
    const stored: number[] = [];
    let block: Promise<void> | undefined = new Promise(resolve =>
      setTimeout(resolve, 10),
    );
    const commits = new GroupCommit<number>(async items => {
      if (block) {
        const wait = block;
        block = undefined;
        await wait;
      }
      if (items.includes(13)) {
        throw new Error('unlucky');
      }
      stored.push(...items);
    });
    const results = await Promise.allSettled(
      [1, 12, 13, 14].map(n => commits.add(n)),
    );
    expect(results.map(r => r.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'rejected',
      'fulfilled',
    ]);
    expect(stored.sort((a, b) => a - b)).toEqual([1, 12, 14]);
  });
});
