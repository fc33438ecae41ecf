import { join } from 'node:path';
import type { CollectorContext } from '../CollectorContext';
import { transcriptConfigDirs } from '../transcripts/findTranscriptFiles';

/**
 * Options every command accepts.
 *
 * @public
 */
export type CommonOptions = {
  /** Comma-separated Claude Code config directories replacing the default ones. */
  claudeDir?: string;
};

/** The folder of the collector's own files. */
export const collectorHome = (context: CollectorContext) =>
  join(context.homeDir, '.claude-code-analytics');

/** Claude Code config directories to read, from `--claude-dir` or the defaults. */
export function configDirsOf(
  options: CommonOptions,
  context: CollectorContext,
): string[] {
  return transcriptConfigDirs({
    homeDir: context.homeDir,
    claudeConfigDir: context.env.CLAUDE_CONFIG_DIR,
    configDirs: options.claudeDir?.split(','),
  });
}
