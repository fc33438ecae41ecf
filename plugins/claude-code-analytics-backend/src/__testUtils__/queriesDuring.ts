import { Knex } from 'knex';

/** The statements knex runs while `fn` runs whose SQL matches `pattern`, with their bindings. */
export async function queriesDuring(
  knex: Knex,
  pattern: RegExp,
  fn: () => Promise<unknown>,
): Promise<Array<{ sql: string; bindings: unknown[] }>> {
  const queries: Array<{ sql: string; bindings: unknown[] }> = [];
  const listener = (query: { sql: string; bindings?: unknown[] }) => {
    if (pattern.test(query.sql)) {
      queries.push({ sql: query.sql, bindings: query.bindings ?? [] });
    }
  };
  knex.on('query', listener);
  try {
    await fn();
  } finally {
    knex.removeListener('query', listener);
  }
  return queries;
}
