import { Knex } from 'knex';

/** Prepared statements kept per SQLite connection, the least recently used dropped first. */
export const SQLITE_STATEMENTS_KEPT = 256;

const CACHING = Symbol.for('claude-code-analytics.cachedStatements');

type Statement = { safeIntegers(toggle: boolean): unknown };
type Connection = {
  prepare(sql: string): Statement;
  [CACHING]?: true;
};
type Client = {
  config: { client?: unknown };
  connectionSettings?: { options?: { safeIntegers?: unknown } };
  acquireConnection(): Promise<Connection>;
  [CACHING]?: true;
};

/**
 * Keeps the statements prepared on knex's better-sqlite3 connection for the next query of the same
 * SQL. Knex prepares every query anew, and SQLite's parsing and planning of the writers' few
 * statements took as much of the event loop as running them (OTLP benchmark profile: `prepare` 15%,
 * the statements 22%). SQLite prepares a kept statement again by itself when the schema changed.
 *
 * Also makes the connection's transactions take SQLite's write lock when they begin (`BEGIN
 * IMMEDIATE` instead of knex's `BEGIN`). A transaction begun deferred takes the lock at its first
 * write, and if another connection holds it then, SQLite fails that write at once (`SQLITE_BUSY`)
 * rather than wait, as waiting could deadlock a transaction that already reads; the checkpoint
 * thread holds the lock for a moment when it starts the log over without this connection held
 * (SqliteCheckpointer: the main connection was busy, or the pool has several), and a
 * transaction that read first and wrote at that moment failed (an OTLP export answered 500). Begun
 * immediate, a transaction waits for the lock (the connection's busy timeout: better-sqlite3's
 * default, 5 s) before it reads anything. Knex keeps one connection to SQLite, so its transactions
 * never wait for one another.
 *
 * Nothing to do on other databases or drivers.
 */
export function cacheSqliteStatements(
  knex: Knex,
  kept: number = SQLITE_STATEMENTS_KEPT,
): void {
  const client = knex.client as unknown as Client;
  if (String(client.config.client) !== 'better-sqlite3' || client[CACHING]) {
    return;
  }
  client[CACHING] = true;
  // Knex sets the connection's default once, and a statement's own only for queries that ask.
  const safeIntegers =
    client.connectionSettings?.options?.safeIntegers === true;
  const acquire = client.acquireConnection.bind(client);
  client.acquireConnection = async () => {
    const connection = await acquire();
    if (!connection[CACHING]) {
      connection[CACHING] = true;
      connection.prepare = keptStatements(
        connection.prepare.bind(connection),
        kept,
        safeIntegers,
      );
    }
    return connection;
  };
}

function keptStatements(
  prepare: (sql: string) => Statement,
  kept: number,
  safeIntegers: boolean,
): (sql: string) => Statement {
  const statements = new Map<string, Statement>();
  return knexSql => {
    const sql = knexSql === 'BEGIN;' ? 'BEGIN IMMEDIATE;' : knexSql;
    const statement = statements.get(sql);
    if (statement) {
      // Most recently used last.
      statements.delete(sql);
      statements.set(sql, statement);
      statement.safeIntegers(safeIntegers);
      return statement;
    }
    const prepared = prepare(sql);
    statements.set(sql, prepared);
    if (statements.size > kept) {
      statements.delete(statements.keys().next().value!);
    }
    return prepared;
  };
}
