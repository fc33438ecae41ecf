import { Knex } from 'knex';
import { inTransaction } from '../store/inTransaction';
import { chunked } from '../store/chunked';
import { insertRows } from '../store/insertRows';
import { SessionEventRow } from '../store/tables';
import { normalizeIdentity, normalizeRepository } from './normalizeIdentity';
import { readUtcTimestamp } from './readUtcTimestamp';
import { SessionGroup, sessionGroupKey } from './sessionGroup';
import { addEventTotals, lockSessionWrites } from './sessionTotals';
import { SessionEvent } from './types';
import { whereKeysIn } from '../store/whereKeysIn';

const MAX_INTEGER = 2 ** 31 - 1;

/** A whole non-negative number that fits an integer column, else null. */
function storedInteger(value: number | undefined): number | null {
  if (value === undefined || !Number.isFinite(value)) {
    return null;
  }
  const rounded = Math.round(value);
  return rounded >= 0 && rounded <= MAX_INTEGER ? rounded : null;
}

/** The row of an event: the columns are picked one by one, so nothing else can be stored. */
function toRow(event: SessionEvent): SessionEventRow | undefined {
  const time = readUtcTimestamp(event.timestamp);
  if (!time) {
    return undefined;
  }
  return {
    session_id: event.sessionId,
    event_key: event.eventKey,
    // Usage without an identity is kept under its session, listed as unmapped, never dropped.
    identity: event.identity
      ? normalizeIdentity(event.identity)
      : `session:${event.sessionId}`,
    date: time.date,
    provider: event.provider,
    repository: event.repository ? normalizeRepository(event.repository) : '',
    kind: event.kind,
    tool: event.kind === 'tool_result' ? event.tool : '',
    success: event.kind === 'tool_result' ? event.success : null,
    duration_ms:
      event.kind === 'user_prompt' ? null : storedInteger(event.durationMs),
    status_code:
      event.kind === 'api_error' ? storedInteger(event.statusCode) : null,
    prompt_length:
      event.kind === 'user_prompt' ? storedInteger(event.promptLength) : null,
  };
}

/**
 * Stores session events once each: an event already stored under its (session, event key), e.g.
 * from an export the exporter retried, is left as it is. Does not re-sum: the caller re-sums the
 * returned session groups with the rest of its batch (`writeSessionUsage`).
 *
 * @returns the session groups (identity, day, provider, repository) of the events.
 */
export async function storeSessionEvents(
  knex: Knex,
  events: SessionEvent[],
): Promise<SessionGroup[]> {
  const rows = new Map<string, SessionEventRow>();
  for (const event of events) {
    const row = toRow(event);
    if (row) {
      // The same event twice in one batch is one event.
      rows.set(`${row.session_id}\u0000${row.event_key}`, row);
    }
  }
  if (rows.size === 0) {
    return [];
  }
  await inTransaction(knex, async tx => {
    await lockSessionWrites(tx);
    // Events already stored (an export the exporter retried) are neither stored nor counted again.
    for (const chunk of chunked([...rows.values()], 300)) {
      for (const known of await whereKeysIn(
        tx('session_events').select('session_id', 'event_key'),
        ['session_id', 'event_key'],
        chunk.map(row => [row.session_id, row.event_key]),
      )) {
        rows.delete(`${known.session_id}\u0000${known.event_key}`);
      }
    }
    await insertRows(tx, 'session_events', [...rows.values()], {
      onConflict: ['session_id', 'event_key'],
    });
    await addEventTotals(tx, [...rows.values()]);
  });
  const groups = new Map<string, SessionGroup>();
  for (const row of rows.values()) {
    const group: SessionGroup = {
      identity: row.identity,
      date: row.date,
      provider: row.provider,
      repository: row.repository,
    };
    groups.set(sessionGroupKey(group), group);
  }
  return [...groups.values()];
}
