import { StatusResponse } from 'backstage-plugin-claude-code-analytics-common';
import { Knex } from 'knex';
import { toNumber } from '../store/tables';

function iso(value: unknown): string | undefined {
  return value === null || value === undefined
    ? undefined
    : new Date(value as string | Date).toISOString();
}

/** The answer of `GET /v1/status`: sources, unmapped identities and repositories, the backlog. */
export async function getStatus(knex: Knex): Promise<StatusResponse> {
  const sources = await knex('source_status').select().orderBy('source');
  const unmappedIdentities = await knex('identities as i')
    .leftJoin('user_identities as u', 'u.identity', 'i.identity')
    .whereNull('u.user_ref')
    .select('i.identity', 'i.last_source', 'i.last_seen_at')
    .orderBy('i.identity')
    .limit(1000);
  const unmappedRepositories = await knex('repositories as r')
    .leftJoin('repository_components as c', 'c.repository', 'r.repository')
    .whereNull('c.component_ref')
    .select('r.repository')
    .orderBy('r.repository')
    .limit(1000);
  const count = async (table: string) =>
    toNumber((await knex(table).count({ n: '*' }))[0].n);

  return {
    sources: sources.map(row => ({
      source: row.source,
      lastReceivedAt: iso(row.last_received_at),
      lastSuccessAt: iso(row.last_success_at),
      lastErrorAt: iso(row.last_error_at),
      lastError: row.last_error ?? undefined,
      rows: toNumber(row.rows),
    })),
    unmappedIdentities: unmappedIdentities.map(row => ({
      identity: row.identity,
      lastSource: row.last_source,
      lastSeenAt: iso(row.last_seen_at),
    })),
    unmappedRepositories: unmappedRepositories.map(row => row.repository),
    catalog: {
      entities: await count('ownership_entities'),
      mappedIdentities: await count('user_identities'),
    },
    pendingRollups: {
      sessionDays: await count('session_sum_queue'),
      userDays: await count('rollup_user_queue'),
      entityDays: await count('rollup_entity_queue'),
      deliveryRepositories: await count('delivery_repository_queue'),
      deliveryEntityDays: await count('delivery_entity_queue'),
    },
  };
}
