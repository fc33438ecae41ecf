import { RequestRecord } from 'backstage-plugin-claude-code-analytics-common';
import { Knex } from 'knex';
import { inTransaction } from '../store/inTransaction';
import { chunked } from '../store/chunked';
import { insertRows } from '../store/insertRows';
import { addRequestTotals, lockSessionWrites } from './sessionTotals';
import { toNumber } from '../store/tables';
import { whereValuesIn } from '../store/whereKeysIn';
import { normalizeIdentity, normalizeRepository } from './normalizeIdentity';
import { PricingOptions } from './PricingOptions';
import { readUtcTimestamp } from './readUtcTimestamp';
import {
  SessionGroup,
  sessionGroupKey,
  writeSessionUsage,
} from './sumSessionUsage';

type SessionRequestRow = {
  request_key: string;
  session_id: string;
  request_id: string | null;
  message_id: string | null;
  timestamp: string;
  date: string;
  identity: string;
  provider: string;
  model: string;
  repository: string;
  input_tokens: number;
  output_tokens: number;
  cache_read_tokens: number;
  cache_creation_tokens: number;
  cache_creation_1h_tokens: number;
  reported_cost_micros: number | null;
  sources: string;
  received_at: Date;
};

/** The merge key of a request: its request id, else its session and message ids. */
export function requestKey(record: RequestRecord): string | undefined {
  if (record.requestId) {
    return record.requestId;
  }
  return record.messageId
    ? `${record.sessionId}:${record.messageId}`
    : undefined;
}

function totalTokens(row: SessionRequestRow): number {
  return (
    toNumber(row.input_tokens) +
    toNumber(row.output_tokens) +
    toNumber(row.cache_read_tokens) +
    toNumber(row.cache_creation_tokens)
  );
}

function toRow(
  record: RequestRecord,
  source: string,
  now: Date,
): SessionRequestRow | undefined {
  const key = requestKey(record);
  const time = readUtcTimestamp(record.timestamp);
  if (!key || !time) {
    return undefined;
  }
  return {
    request_key: key,
    session_id: record.sessionId,
    request_id: record.requestId ?? null,
    message_id: record.messageId ?? null,
    timestamp: time.timestamp,
    date: time.date,
    // Usage without an identity is kept under its session, listed as unmapped, never dropped.
    identity: record.identity
      ? normalizeIdentity(record.identity)
      : `session:${record.sessionId}`,
    provider: record.provider ?? 'firstParty',
    model: record.model,
    repository: record.repository ? normalizeRepository(record.repository) : '',
    input_tokens: record.tokens.input,
    output_tokens: record.tokens.output,
    cache_read_tokens: record.tokens.cacheRead,
    cache_creation_tokens: record.tokens.cacheCreation,
    cache_creation_1h_tokens: record.tokens.cacheCreation1h ?? 0,
    reported_cost_micros:
      record.costUsd === undefined ? null : Math.round(record.costUsd * 1e6),
    sources: source,
    received_at: now,
  };
}

/**
 * Merges two sightings of one request: the token counts of the larger copy (a transcript may hold a
 * partial copy of a streamed response), and whatever either knows of identity, repository and cost.
 */
function merge(a: SessionRequestRow, b: SessionRequestRow): SessionRequestRow {
  const [larger, other] = totalTokens(b) > totalTokens(a) ? [b, a] : [a, b];
  const unknown = (identity: string) => identity.startsWith('session:');
  return {
    ...larger,
    identity:
      unknown(larger.identity) && !unknown(other.identity)
        ? other.identity
        : larger.identity,
    repository: larger.repository || other.repository,
    request_id: larger.request_id ?? other.request_id,
    message_id: larger.message_id ?? other.message_id,
    reported_cost_micros:
      larger.reported_cost_micros ?? other.reported_cost_micros,
    sources: [...new Set([...a.sources.split(','), ...b.sources.split(',')])]
      .sort()
      .join(','),
  };
}

/**
 * Stores request records of one session-level source (OTLP, transcripts, import), merging requests
 * already known from another source, without re-summing them: for callers that store other
 * session-level data in the same batch and re-sum once (the OTLP receiver).
 *
 * @returns the number of records stored (records without a merge key or time are not) and the
 * session groups they touch.
 */
export async function storeRequestRecords(
  knex: Knex,
  source: string,
  records: RequestRecord[],
): Promise<{ stored: number; groups: SessionGroup[] }> {
  const now = new Date();
  const incoming = new Map<string, SessionRequestRow>();
  for (const record of records) {
    const row = toRow(record, source, now);
    if (row) {
      const known = incoming.get(row.request_key);
      incoming.set(row.request_key, known ? merge(known, row) : row);
    }
  }
  if (incoming.size === 0) {
    return { stored: 0, groups: [] };
  }

  const affected = new Map<string, SessionGroup>();
  await inTransaction(knex, async tx => {
    await lockSessionWrites(tx);
    const stored = new Map<string, SessionRequestRow>();
    for (const chunk of chunked([...incoming.keys()], 300)) {
      const existing: SessionRequestRow[] = await whereValuesIn(
        tx('session_requests').select(),
        'request_key',
        chunk,
      );
      for (const row of existing) {
        affected.set(sessionGroupKey(row), row);
        stored.set(row.request_key, row);
        incoming.set(
          row.request_key,
          merge(row, incoming.get(row.request_key)!),
        );
      }
    }
    const rows = [...incoming.values()];
    await insertRows(tx, 'session_requests', rows, {
      onConflict: ['request_key'],
      merge: Object.keys(rows[0]).filter(column => column !== 'request_key'),
    });
    // The merged rows replace the stored ones in the totals (possibly in another group).
    await addRequestTotals(
      tx,
      rows.map(after => ({ before: stored.get(after.request_key), after })),
    );
  });
  for (const row of incoming.values()) {
    affected.set(sessionGroupKey(row), row);
  }
  return { stored: incoming.size, groups: [...affected.values()] };
}

/**
 * Writes request records of one session-level source (OTLP, transcripts, import), merging requests
 * already known from another source, then re-sums the affected identity-days into the `sessions`
 * source of usage_*_daily.
 *
 * @returns the number of records written; records without a merge key or time are not written.
 */
export async function writeRequestRecords(
  knex: Knex,
  source: string,
  records: RequestRecord[],
  pricing: PricingOptions,
): Promise<number> {
  const { stored, groups } = await storeRequestRecords(knex, source, records);
  if (stored > 0) {
    await writeSessionUsage(knex, groups, pricing);
  }
  return stored;
}
