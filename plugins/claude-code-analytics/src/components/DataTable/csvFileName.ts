/**
 * The name of an exported file: what it holds and its period, in characters every file system
 * takes: `team-a-sub-teams-2024-12-05-2025-01-03.csv`.
 */
export function csvFileName(
  what: string,
  range?: { from: string; to: string },
): string {
  const parts = range ? [what, range.from, range.to] : [what];
  const name = parts
    .join('-')
    .toLocaleLowerCase('en-US')
    .replace(/[^a-z0-9.-]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return `${name}.csv`;
}
