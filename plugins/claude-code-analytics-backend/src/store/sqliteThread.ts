import { Knex } from 'knex';
import path from 'node:path';

/**
 * The file of a better-sqlite3 database that a thread can open with its own connection; undefined
 * for other databases and for in-memory SQLite (which only its own connection sees).
 */
export function sqliteFileOf(knex: Knex): string | undefined {
  const filename: unknown = (
    knex.client as { connectionSettings?: { filename?: unknown } }
  ).connectionSettings?.filename;
  if (
    String(knex.client.config.client) !== 'better-sqlite3' ||
    typeof filename !== 'string' ||
    filename === '' ||
    filename.startsWith(':memory:') ||
    filename.startsWith('file::memory:')
  ) {
    return undefined;
  }
  return filename;
}

/**
 * The better-sqlite3 that knex loads (resolved from knex's own location, as knex requires it), or
 * the one this package resolves; undefined when neither can be found. Threads run evaluated code,
 * so that they load the same way from TypeScript sources and from the built package, and require
 * the driver by this path.
 */
export function resolveSqliteDriver(): string | undefined {
  for (const paths of [[path.dirname(require.resolve('knex'))], undefined]) {
    try {
      return require.resolve('better-sqlite3', paths ? { paths } : undefined);
    } catch {
      // Try the next place.
    }
  }
  return undefined;
}
