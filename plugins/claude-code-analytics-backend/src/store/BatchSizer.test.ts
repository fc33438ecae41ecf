import { createTestDatabases } from '../__testUtils__/createTestDatabases';
import { BatchSizer, SQLITE_BATCH_TARGET_MS } from './BatchSizer';

describe('BatchSizer', () => {
  it('sizes batches to the target time from the measured cost per item', () => {
    const sizer = BatchSizer.aimingAt(50, { max: 1000, min: 1 });
    expect(sizer.size).toBe(50);
    // 50 items in 500 ms: 10 ms each, so 5 fit in 50 ms.
    sizer.record(50, 500);
    expect(sizer.size).toBe(5);
    // Cheap items: the size grows, at most doubling per batch, up to the maximum.
    sizer.record(5, 1);
    expect(sizer.size).toBe(10);
    for (let i = 0; i < 20; i++) {
      sizer.record(sizer.size, 1);
    }
    expect(sizer.size).toBe(1000);
    // Very slow items: never below the minimum.
    sizer.record(1000, 1_000_000);
    expect(sizer.size).toBe(1);
    // An empty batch says nothing.
    sizer.record(0, 1000);
    expect(sizer.size).toBe(1);
    // The default minimum is 10 items.
    const withDefaults = BatchSizer.aimingAt(50, { max: 1000 });
    withDefaults.record(50, 1_000_000);
    expect(withDefaults.size).toBe(10);
  });

  it('times a batch and passes its result through', async () => {
    const sizer = BatchSizer.aimingAt(50, { max: 1000, min: 1 });
    const result = await sizer.time(50, async () => {
      await new Promise(resolve => setTimeout(resolve, 200));
      return 'done';
    });
    expect(result).toBe('done');
    // At least 4 ms per item measured: at most 12 items fit in 50 ms.
    expect(sizer.size).toBeGreaterThanOrEqual(1);
    expect(sizer.size).toBeLessThanOrEqual(12);
  });

  it('times a batch by the items it says it took', async () => {
    const sizer = BatchSizer.aimingAt(50, { max: 1000, min: 1 });
    const items = await sizer.timeCounted(async () => {
      await new Promise(resolve => setTimeout(resolve, 200));
      return 100;
    });
    expect(items).toBe(100);
    // At least 2 ms per item measured (not per the 50 the sizer offered): at most 25 fit in 50 ms.
    expect(sizer.size).toBeGreaterThanOrEqual(1);
    expect(sizer.size).toBeLessThanOrEqual(25);
  });

  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    'aims at short batches on SQLite and takes the maximum on other databases, on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const sizer = BatchSizer.forDatabase(knex, { max: 1000 });
      sizer.record(sizer.size, sizer.size * 100);
      // 100 ms per item: on SQLite the minimum (10 items), elsewhere the maximum.
      const expected = databaseId.startsWith('SQLITE')
        ? Math.max(10, Math.floor(SQLITE_BATCH_TARGET_MS / 100))
        : 1000;
      expect(sizer.size).toBe(expected);
    },
  );
});
