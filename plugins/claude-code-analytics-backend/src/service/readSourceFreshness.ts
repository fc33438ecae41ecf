import { SourceFreshness } from 'backstage-plugin-claude-code-analytics-common';
import { Knex } from 'knex';

function iso(value: unknown): string | undefined {
  if (value === null || value === undefined) {
    return undefined;
  }
  return new Date(value as string | Date).toISOString();
}

/** When each source last delivered data, most recent first. */
export async function readSourceFreshness(
  knex: Knex,
): Promise<SourceFreshness[]> {
  const rows = await knex('source_status')
    .select('source', 'last_received_at')
    .orderBy('source');
  return rows
    .map(row => ({
      source: row.source as string,
      lastReceivedAt: iso(row.last_received_at),
    }))
    .sort((a, b) =>
      (b.lastReceivedAt ?? '').localeCompare(a.lastReceivedAt ?? ''),
    );
}
