import {
  type CollectorState,
  SENT_KEY_LENGTH,
  type SessionState,
} from './CollectorState';

/**
 * Limits on the dedupe keys kept in the state file.
 *
 * @public
 */
export type SentKeysLimits = {
  /** Keys kept per session; the oldest go first. */
  maxKeysPerSession: number;
  /** Sessions kept; the least recently updated go first. */
  maxSessions: number;
};

/** Claude Code deletes transcripts after 30 days by default; these bounds cover far more. */
const DEFAULT_LIMITS: SentKeysLimits = {
  maxKeysPerSession: 20_000,
  maxSessions: 20_000,
};

// 96 bits of a hash keep the state file small; a collision is negligible at these counts.
// node:crypto is loaded on first use: runs that send nothing never hash.
let hash: typeof import('node:crypto').hash | undefined;
const hashKey = (key: string) => {
  hash ??= (require('node:crypto') as typeof import('node:crypto')).hash;
  return hash('sha1', key, 'base64').slice(0, 16);
};

/**
 * The dedupe keys of requests already sent, per session, with the token total they were sent
 * with. Lookups work across sessions, because a resumed session copies earlier lines into a new
 * file.
 *
 * @public
 */
export class SentKeys {
  /** Hashed key to the largest total it was sent with; built on first use. */
  private index?: Map<string, number>;
  private lastDate?: Date;
  private lastIsoString = '';
  /** Sessions added to since the last prune. */
  private readonly touched = new Set<SessionState>();

  private constructor(
    private readonly state: CollectorState,
    private readonly limits: SentKeysLimits,
  ) {}

  private totals(): Map<string, number> {
    if (!this.index) {
      const index = new Map<string, number>();
      for (const { keys, totals } of Object.values(this.state.sessions)) {
        for (let i = 0; i < totals.length; i++) {
          const key = keys.slice(
            i * SENT_KEY_LENGTH,
            (i + 1) * SENT_KEY_LENGTH,
          );
          const known = index.get(key);
          index.set(
            key,
            known === undefined ? totals[i] : Math.max(known, totals[i]),
          );
        }
      }
      this.index = index;
    }
    return this.index;
  }

  /** The keys of a state (indexed on first use); `add` writes into that state. */
  static fromState(
    state: CollectorState,
    limits: SentKeysLimits = DEFAULT_LIMITS,
  ): SentKeys {
    return new SentKeys(state, limits);
  }

  /** True when the request was already sent with at least `total` tokens. */
  has(key: string, total: number): boolean {
    const sent = this.totals().get(hashKey(key));
    return sent !== undefined && sent >= total;
  }

  /** Records that the request was sent with `total` tokens. */
  add(sessionId: string, key: string, total: number, now: Date): void {
    const hashed = hashKey(key);
    const index = this.totals();
    const known = index.get(hashed);
    index.set(hashed, Math.max(total, known ?? 0));
    const updatedAt = this.isoString(now);
    const session = (this.state.sessions[sessionId] ??= {
      updatedAt,
      keys: '',
      totals: [],
    });
    session.updatedAt = updatedAt;
    // Re-inserting moves the key to the end, so the oldest keys are the first ones. Only a key
    // sent before can be there already.
    if (known !== undefined) {
      removeKey(session, hashed);
    }
    session.keys += hashed;
    session.totals.push(total);
    this.touched.add(session);
  }

  /** `date.toISOString()`, once per date: a batch adds all its keys with the same date. */
  private isoString(date: Date): string {
    if (date !== this.lastDate) {
      this.lastDate = date;
      this.lastIsoString = date.toISOString();
    }
    return this.lastIsoString;
  }

  /**
   * Drops the oldest keys and the least recently updated sessions beyond the limits. The index is
   * then built again on next use, so that a long-running process knows exactly the keys of the
   * state file, as a new process would. Only the sessions added to since the last call are
   * checked for their key count.
   */
  prune(): void {
    for (const session of this.touched) {
      const excess = session.totals.length - this.limits.maxKeysPerSession;
      if (excess > 0) {
        session.keys = session.keys.slice(excess * SENT_KEY_LENGTH);
        session.totals = session.totals.slice(excess);
        this.index = undefined;
      }
    }
    this.touched.clear();
    if (Object.keys(this.state.sessions).length <= this.limits.maxSessions) {
      return;
    }
    const sessions = Object.entries(this.state.sessions);
    sessions.sort(([, a], [, b]) => a.updatedAt.localeCompare(b.updatedAt));
    for (const [id] of sessions.slice(
      0,
      sessions.length - this.limits.maxSessions,
    )) {
      delete this.state.sessions[id];
    }
    this.index = undefined;
  }
}

/** Removes `key` from a session, if it is there. */
function removeKey(session: SessionState, key: string) {
  const { keys } = session;
  for (let at = keys.indexOf(key); at !== -1; at = keys.indexOf(key, at + 1)) {
    // A match across two keys is not one.
    if (at % SENT_KEY_LENGTH === 0) {
      session.keys = keys.slice(0, at) + keys.slice(at + SENT_KEY_LENGTH);
      session.totals.splice(at / SENT_KEY_LENGTH, 1);
      return;
    }
  }
}
