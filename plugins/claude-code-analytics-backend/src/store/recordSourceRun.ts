import { Knex } from 'knex';

/** One unit of a source's work (a day, a repository): succeeded or failed. */
export type IngestionLogEntry = {
  source: string;
  unit: string;
  status: 'succeeded' | 'failed';
  rows?: number;
  skipped?: number;
  error?: string;
  ranAt: Date;
};

/** Records a unit of work in the ingestion log, replacing the unit's earlier entry. */
export async function writeIngestionLog(
  knex: Knex,
  entry: IngestionLogEntry,
): Promise<void> {
  await knex('ingestion_log')
    .insert({
      source: entry.source,
      unit: entry.unit,
      status: entry.status,
      rows: entry.rows ?? 0,
      skipped: entry.skipped ?? 0,
      error: entry.error ?? null,
      ran_at: entry.ranAt,
    })
    .onConflict(['source', 'unit'])
    .merge();
}

/**
 * Records the outcome of a source's run in `source_status`: a success when anything was read or
 * nothing failed, an error (the count and the first failure) when any unit failed. An earlier error
 * stays until the next one; compare its time with the last success.
 */
export async function recordSourceRun(
  knex: Knex,
  source: string,
  run: {
    at: Date;
    unitsRead: number;
    failures: Array<{ unit: string; error: string }>;
    unitName: string;
  },
): Promise<void> {
  const update: Record<string, unknown> = {};
  if (run.unitsRead > 0 || run.failures.length === 0) {
    update.last_success_at = run.at;
  }
  if (run.failures.length > 0) {
    const [first] = run.failures;
    update.last_error_at = run.at;
    update.last_error = `${run.failures.length} ${run.unitName} failed, first ${first.unit}: ${first.error}`;
  }
  await knex('source_status')
    .insert({ source, rows: 0, ...update })
    .onConflict('source')
    .merge(Object.keys(update));
}
