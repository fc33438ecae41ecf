import { createHash } from 'node:crypto';
import type { CollectorState } from './CollectorState';

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
const hashKey = (key: string) =>
  createHash('sha1').update(key).digest('base64').slice(0, 16);

/**
 * The dedupe keys of requests already sent, per session, with the token total they were sent
 * with. Lookups work across sessions, because a resumed session copies earlier lines into a new
 * file.
 *
 * @public
 */
export class SentKeys {
  private readonly totals = new Map<string, number>();

  private constructor(
    private readonly state: CollectorState,
    private readonly limits: SentKeysLimits,
  ) {
    for (const session of Object.values(state.sessions)) {
      for (const [key, total] of Object.entries(session.keys)) {
        this.totals.set(key, Math.max(total, this.totals.get(key) ?? 0));
      }
    }
  }

  /** Indexes the keys of a state; `add` writes into that state. */
  static fromState(
    state: CollectorState,
    limits: SentKeysLimits = DEFAULT_LIMITS,
  ): SentKeys {
    return new SentKeys(state, limits);
  }

  /** True when the request was already sent with at least `total` tokens. */
  has(key: string, total: number): boolean {
    const sent = this.totals.get(hashKey(key));
    return sent !== undefined && sent >= total;
  }

  /** Records that the request was sent with `total` tokens. */
  add(sessionId: string, key: string, total: number, now: Date): void {
    const hashed = hashKey(key);
    this.totals.set(hashed, Math.max(total, this.totals.get(hashed) ?? 0));
    const session = (this.state.sessions[sessionId] ??= {
      updatedAt: now.toISOString(),
      keys: {},
    });
    session.updatedAt = now.toISOString();
    // Re-inserting moves the key to the end, so the oldest keys are the first ones.
    delete session.keys[hashed];
    session.keys[hashed] = total;
  }

  /** Drops the oldest keys and the least recently updated sessions beyond the limits. */
  prune(): void {
    for (const session of Object.values(this.state.sessions)) {
      const keys = Object.keys(session.keys);
      for (const old of keys.slice(
        0,
        Math.max(0, keys.length - this.limits.maxKeysPerSession),
      )) {
        delete session.keys[old];
      }
    }
    const sessions = Object.entries(this.state.sessions);
    if (sessions.length <= this.limits.maxSessions) {
      return;
    }
    sessions.sort(([, a], [, b]) => a.updatedAt.localeCompare(b.updatedAt));
    for (const [id] of sessions.slice(
      0,
      sessions.length - this.limits.maxSessions,
    )) {
      delete this.state.sessions[id];
    }
  }
}
