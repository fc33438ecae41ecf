import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * What the collector remembers about one transcript file.
 *
 * @public
 */
export type FileState = {
  size: number;
  /** Inode number as a string (it can exceed the safe integer range). */
  inode: string;
  mtimeMs: number;
  /** Byte offset just after the last complete line that was read. */
  offset: number;
};

/**
 * What the collector remembers about one session: the dedupe keys (hashed) it has sent, each with
 * the token total it was sent with, oldest first.
 *
 * Stored compactly: the keys as one string rather than as the property names of an object.
 * Parsing thousands of objects whose property names are all different hashes is slow (V8 builds
 * a hidden class for each new name); a string and an array of numbers parse at memory speed, and
 * a run that sends nothing never looks at them.
 *
 * @public
 */
export type SessionState = {
  /** ISO timestamp of the last time a key was added; old sessions are forgotten first. */
  updatedAt: string;
  /** The hashed keys, {@link SENT_KEY_LENGTH} characters each, concatenated. */
  keys: string;
  /** The token total sent for each key, in the same order. */
  totals: number[];
};

/** Length of a hashed dedupe key in {@link SessionState.keys}. */
export const SENT_KEY_LENGTH = 16;

/**
 * The collector's state file.
 *
 * @public
 */
export type CollectorState = {
  version: 2;
  /** Keyed by absolute path. */
  files: Record<string, FileState>;
  /** Keyed by session id. */
  sessions: Record<string, SessionState>;
};

/** The state file written before version 2, with the keys of a session as object properties. */
type CollectorStateV1 = {
  version: 1;
  files: Record<string, FileState>;
  sessions?: Record<
    string,
    { updatedAt: string; keys: Record<string, number> }
  >;
};

/**
 * An empty state: everything is new.
 *
 * @public
 */
export function emptyCollectorState(): CollectorState {
  return { version: 2, files: {}, sessions: {} };
}

function fromVersion1(file: CollectorStateV1): CollectorState {
  const state: CollectorState = {
    version: 2,
    files: file.files,
    sessions: {},
  };
  for (const [id, { updatedAt, keys }] of Object.entries(file.sessions ?? {})) {
    state.sessions[id] = {
      updatedAt,
      keys: Object.keys(keys).join(''),
      totals: Object.values(keys),
    };
  }
  return state;
}

function isVersion2(file: any): file is CollectorState {
  if (
    file?.version !== 2 ||
    typeof file.files !== 'object' ||
    file.files === null ||
    typeof file.sessions !== 'object' ||
    file.sessions === null
  ) {
    return false;
  }
  for (const entry of Object.values<any>(file.files)) {
    if (typeof entry?.offset !== 'number' || typeof entry.inode !== 'string') {
      return false;
    }
  }
  for (const session of Object.values<any>(file.sessions)) {
    if (
      typeof session?.keys !== 'string' ||
      !Array.isArray(session.totals) ||
      session.keys.length !== session.totals.length * SENT_KEY_LENGTH ||
      typeof session.updatedAt !== 'string'
    ) {
      return false;
    }
  }
  return true;
}

/**
 * Reads the state file; a missing file is an empty state. A file that is not a collector state
 * (version 1 or 2) is an error rather than silently starting over (which would send everything
 * again). A version 1 file is converted (and saved as version 2 next time).
 *
 * @public
 */
export async function loadCollectorState(
  path: string,
): Promise<CollectorState> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error: any) {
    if (error?.code === 'ENOENT') {
      return emptyCollectorState();
    }
    throw error;
  }
  const file = JSON.parse(text);
  if (file?.version === 1 && typeof file.files === 'object') {
    return fromVersion1(file);
  }
  if (!isVersion2(file)) {
    throw new Error(`${path} is not a collector state file (version 1 or 2)`);
  }
  return file;
}

/**
 * Writes the state file atomically (write a sibling, then rename), so an interrupted run leaves
 * the previous state intact. The calls are synchronous: nothing else waits meanwhile, and on a
 * busy machine each hop to libuv's thread pool cost more than the write itself (a watcher saves
 * after every push).
 *
 * @public
 */
export async function saveCollectorState(
  path: string,
  state: CollectorState,
): Promise<void> {
  const text = JSON.stringify(state);
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, text);
  renameSync(temporary, path);
}
