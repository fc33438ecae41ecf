import { promises as fs } from 'node:fs';
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
 * the token total it was sent with.
 *
 * @public
 */
export type SessionState = {
  /** ISO timestamp of the last time a key was added; old sessions are forgotten first. */
  updatedAt: string;
  /** Hashed dedupe key to the token total that was sent, oldest first. */
  keys: Record<string, number>;
};

/**
 * The collector's state file.
 *
 * @public
 */
export type CollectorState = {
  version: 1;
  /** Keyed by absolute path. */
  files: Record<string, FileState>;
  /** Keyed by session id. */
  sessions: Record<string, SessionState>;
};

/**
 * An empty state: everything is new.
 *
 * @public
 */
export function emptyCollectorState(): CollectorState {
  return { version: 1, files: {}, sessions: {} };
}

/**
 * Reads the state file; a missing file is an empty state. A file that is not a version 1 state is
 * an error rather than silently starting over (which would send everything again).
 *
 * @public
 */
export async function loadCollectorState(
  path: string,
): Promise<CollectorState> {
  let text: string;
  try {
    text = await fs.readFile(path, 'utf8');
  } catch (error: any) {
    if (error?.code === 'ENOENT') {
      return emptyCollectorState();
    }
    throw error;
  }
  const state = JSON.parse(text);
  if (state?.version !== 1 || typeof state.files !== 'object') {
    throw new Error(`${path} is not a collector state file (version 1)`);
  }
  return { version: 1, files: state.files, sessions: state.sessions ?? {} };
}

/**
 * Writes the state file atomically (write a sibling, then rename), so an interrupted run leaves
 * the previous state intact.
 *
 * @public
 */
export async function saveCollectorState(
  path: string,
  state: CollectorState,
): Promise<void> {
  await fs.mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  await fs.writeFile(temporary, JSON.stringify(state));
  await fs.rename(temporary, path);
}
