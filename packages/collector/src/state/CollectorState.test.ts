import { hash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTempDir } from '../testUtils/transcriptLines';
import {
  emptyCollectorState,
  loadCollectorState,
  saveCollectorState,
} from './CollectorState';
import { SentKeys } from './SentKeys';

describe('collector state file', () => {
  const temp = createTempDir();
  afterAll(() => temp.cleanup());
  const path = join(temp.path, 'state', 'collector-state.json');

  it('is empty when missing and reads back what was saved', async () => {
    expect(await loadCollectorState(path)).toEqual(emptyCollectorState());

    const state = emptyCollectorState();
    state.files['/p/a.jsonl'] = {
      size: 10,
      inode: '18446744073709551615',
      mtimeMs: 1795620271636.125,
      offset: 8,
    };
    const sent = SentKeys.fromState(state);
    sent.add('s1', 'm1:r1', 100, new Date('2026-11-20T10:00:00Z'));
    sent.add('s1', 'm2:r2', 50, new Date('2026-11-20T10:00:00Z'));
    sent.add('s2', 'm3', 7, new Date('2026-11-21T10:00:00Z'));
    sent.add('s1', 'm1:r1', 120, new Date('2026-11-22T10:00:00Z'));
    await saveCollectorState(path, state);

    const loaded = await loadCollectorState(path);
    expect(loaded).toEqual(state);
    // The order of the keys (oldest first) survives.
    expect(loaded.sessions.s1.totals).toEqual([50, 120]);
    const again = SentKeys.fromState(loaded);
    expect(again.has('m1:r1', 120)).toBe(true);
    expect(again.has('m1:r1', 121)).toBe(false);
    expect(again.has('m3', 7)).toBe(true);

    const file = JSON.parse(readFileSync(path, 'utf8'));
    expect(file.version).toBe(2);
    expect(file.sessions.s1).toEqual({
      updatedAt: '2026-11-22T10:00:00.000Z',
      keys: expect.stringMatching(/^[A-Za-z0-9+/]{32}$/),
      totals: [50, 120],
    });
  });

  it('reads a version 1 file and writes it back as version 2', async () => {
    const file = {
      version: 1,
      files: {
        '/p/b.jsonl': { size: 5, inode: '42', mtimeMs: 1, offset: 5 },
      },
      sessions: {
        s9: {
          updatedAt: '2026-11-01T00:00:00.000Z',
          keys: { AAAAAAAAAAAAAAAA: 3, BBBBBBBBBBBBBBBB: 4 },
        },
      },
    };
    writeFileSync(path, JSON.stringify(file));
    const state = await loadCollectorState(path);
    expect(state.files).toEqual(file.files);
    const s9 = {
      updatedAt: '2026-11-01T00:00:00.000Z',
      keys: 'AAAAAAAAAAAAAAAABBBBBBBBBBBBBBBB',
      totals: [3, 4],
    };
    expect(state.sessions).toEqual({ s9 });
    await saveCollectorState(path, state);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({
      version: 2,
      files: file.files,
      sessions: { s9 },
    });
    expect(await loadCollectorState(path)).toEqual(state);
  });

  it('refuses a file that is not a collector state', async () => {
    for (const file of [
      { version: 3, files: {} },
      { version: 2, files: {} },
      { version: 2, files: { '/a': [1, '2', 3, 4] }, sessions: {} },
      {
        version: 2,
        files: {},
        sessions: { s: { updatedAt: 'x', keys: 'short', totals: [1] } },
      },
    ]) {
      writeFileSync(path, JSON.stringify(file));
      await expect(loadCollectorState(path)).rejects.toThrow(
        'is not a collector state file',
      );
    }
  });
});

describe('SentKeys', () => {
  const at = (day: number) => new Date(Date.UTC(2026, 10, day));

  it('finds keys sent from any session, with the largest total', () => {
    const state = emptyCollectorState();
    const sent = SentKeys.fromState(state);
    expect(sent.has('m1:r1', 1)).toBe(false);
    sent.add('a', 'm1:r1', 10, at(1));
    sent.add('b', 'm1:r1', 30, at(2));
    expect(sent.has('m1:r1', 30)).toBe(true);
    expect(sent.has('m1:r1', 31)).toBe(false);
    // A new index over the same state agrees.
    expect(SentKeys.fromState(state).has('m1:r1', 30)).toBe(true);
  });

  it('drops the oldest keys of a session and the least recently updated sessions', () => {
    const state = emptyCollectorState();
    const sent = SentKeys.fromState(state, {
      maxKeysPerSession: 2,
      maxSessions: 2,
    });
    sent.add('old', 'x', 1, at(1));
    sent.add('busy', 'k1', 1, at(2));
    sent.add('busy', 'k2', 1, at(3));
    sent.add('busy', 'k1', 2, at(4)); // moves k1 after k2
    sent.add('busy', 'k3', 1, at(5));
    sent.add('new', 'y', 1, at(6));
    sent.prune();
    expect(Object.keys(state.sessions).sort()).toEqual(['busy', 'new']);
    const busy = SentKeys.fromState(state);
    expect(busy.has('k2', 1)).toBe(false);
    expect(busy.has('k1', 2)).toBe(true);
    expect(busy.has('k3', 1)).toBe(true);
    expect(state.sessions.busy.updatedAt).toBe(at(5).toISOString());
    // The same object (a long-running watcher's) forgets the dropped keys too.
    expect(sent.has('k2', 1)).toBe(false);
    expect(sent.has('x', 1)).toBe(false);
    expect(sent.has('k1', 2)).toBe(true);
  });

  it('moves a key sent again to the end, never cutting into other keys', () => {
    const hashed = hash('sha1', 'm1:r1', 'base64').slice(0, 16);
    // Two keys whose concatenation contains the hash, then the hash itself.
    const straddling = `${'Z'.repeat(8)}${hashed.slice(0, 8)}${hashed.slice(
      8,
    )}${'Z'.repeat(8)}`;
    const state = emptyCollectorState();
    state.sessions.s = {
      updatedAt: at(1).toISOString(),
      keys: `${straddling}${hashed}${'Y'.repeat(16)}`,
      totals: [1, 2, 3, 4],
    };
    const sent = SentKeys.fromState(state);
    expect(sent.has('m1:r1', 3)).toBe(true);
    sent.add('s', 'm1:r1', 9, at(2));
    expect(state.sessions.s).toEqual({
      updatedAt: at(2).toISOString(),
      keys: `${straddling}${'Y'.repeat(16)}${hashed}`,
      totals: [1, 2, 4, 9],
    });
  });
});
