import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * Where to look for Claude Code's `projects` folders.
 *
 * @public
 */
export type TranscriptLocationOptions = {
  /** The user's home directory. */
  homeDir: string;
  /** Value of `CLAUDE_CONFIG_DIR`: one or more directories separated by commas. */
  claudeConfigDir?: string;
  /** Config directories that replace all of the above (the `--claude-dir` flag). */
  configDirs?: string[];
};

/**
 * The Claude Code config directories whose `projects` folder holds transcripts:
 * `~/.claude`, `~/.config/claude` and every entry of `CLAUDE_CONFIG_DIR`, without duplicates.
 * Unlike ccusage, `CLAUDE_CONFIG_DIR` adds to the default locations instead of replacing them,
 * so transcripts written before the variable was set are still found.
 *
 * @public
 */
export function transcriptConfigDirs(
  options: TranscriptLocationOptions,
): string[] {
  const dirs = options.configDirs?.length
    ? options.configDirs
    : [
        join(options.homeDir, '.claude'),
        join(options.homeDir, '.config', 'claude'),
        ...(options.claudeConfigDir ?? '').split(','),
      ];
  const unique = new Set(
    dirs
      .map(dir => dir.trim())
      .filter(Boolean)
      .map(dir => resolve(dir)),
  );
  return [...unique];
}

function walk(dir: string, found: string[]): void {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    // A folder that vanished or is unreadable holds nothing we can read.
    return;
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      walk(path, found);
    } else if (entry.isFile() && entry.name.endsWith('.jsonl')) {
      found.push(path);
    }
  }
}

/**
 * All `*.jsonl` files under the `projects` folder of each config directory, at any depth (sub-agent
 * transcripts live in sub-folders), sorted for a stable order.
 *
 * @public
 */
export async function findTranscriptFiles(
  configDirs: string[],
): Promise<string[]> {
  const found: string[] = [];
  for (const dir of configDirs) {
    walk(join(dir, 'projects'), found);
  }
  return [...new Set(found)].sort();
}
