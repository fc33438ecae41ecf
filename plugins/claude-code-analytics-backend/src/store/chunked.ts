/**
 * Splits rows into chunks that stay under the bound-parameter limits of SQLite and PostgreSQL.
 */
export function chunked<T>(items: T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) {
    chunks.push(items.slice(i, i + size));
  }
  return chunks;
}
