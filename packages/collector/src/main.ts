import { Command, CommanderError } from 'commander';
import { homedir } from 'node:os';
import type { CollectorContext } from './CollectorContext';
import { runPush } from './commands/runPush';
import { runReport } from './commands/runReport';
import { nodeHttpFetch } from './push/nodeHttpFetch';

const CLAUDE_DIR_HELP =
  'Claude Code config directories to read, comma-separated (default: ~/.claude, ~/.config/claude and $CLAUDE_CONFIG_DIR)';

function createProgram(context: CollectorContext): Command {
  const program = new Command('claude-code-analytics-collector')
    .description(
      'Reads local Claude Code transcripts, reports daily usage and pushes it to Backstage',
    )
    .exitOverride()
    .configureOutput({
      writeOut: text => context.stdout(text),
      writeErr: text => context.stderr(text),
    });

  program
    .command('report')
    .description('Print daily token usage and cost per model')
    .option('--since <date>', 'first day, YYYY-MM-DD (UTC)')
    .option('--until <date>', 'last day, YYYY-MM-DD (UTC), inclusive')
    .option('--json', 'print JSON instead of a table')
    .option('--claude-dir <dirs>', CLAUDE_DIR_HELP)
    .action(options => runReport(options, context));

  program
    .command('push')
    .description(
      'Send the requests that are new since the last push to the Claude Code Analytics backend',
    )
    .option('--url <url>', 'backend base URL, e.g. http://localhost:7007')
    .option(
      '--token <token>',
      'Backstage static access token (default: $CLAUDE_CODE_ANALYTICS_TOKEN)',
    )
    .option(
      '--identity <identity>',
      'identity put on the records (default: config, then git user.email)',
    )
    .option(
      '--provider <provider>',
      'provider put on the records (default: config, then firstParty)',
    )
    .option('--batch-size <lines>', 'records per request', '5000')
    .option(
      '--state <path>',
      'state file (default: ~/.claude-code-analytics/collector-state.json)',
    )
    .option(
      '--config <path>',
      'config file (default: ~/.claude-code-analytics/collector.json)',
    )
    .option('--claude-dir <dirs>', CLAUDE_DIR_HELP)
    .option(
      '--watch',
      'keep running: send new requests as the transcripts change, until SIGINT or SIGTERM',
    )
    .option(
      '--debounce <ms>',
      'with --watch: quiet time after a change before reading it (default: 200)',
    )
    .option(
      '--rescan-interval <seconds>',
      'with --watch: list and check every transcript this often, in case a change was missed (default: 30)',
    )
    .option(
      '--stats',
      'with --watch: print the time and CPU time of every cycle',
    )
    .action(options => runPush(options, context));

  return program;
}

/**
 * Runs the collector CLI with `argv` (the arguments after the executable, as in
 * `process.argv.slice(2)`) and resolves to the process exit code.
 *
 * @public
 */
export async function main(
  argv: string[],
  context: Partial<CollectorContext> = {},
): Promise<number> {
  const fullContext: CollectorContext = {
    env: process.env,
    homeDir: homedir(),
    stdout: text => process.stdout.write(text),
    stderr: text => process.stderr.write(text),
    fetch: nodeHttpFetch,
    onStopSignal: listener => {
      const signals = ['SIGINT', 'SIGTERM'] as const;
      // Once: after the first signal, a second one terminates the process at once.
      signals.forEach(signal => process.once(signal, listener));
      return () =>
        signals.forEach(signal => process.removeListener(signal, listener));
    },
    ...context,
  };
  try {
    await createProgram(fullContext).parseAsync(argv, { from: 'user' });
    return 0;
  } catch (error: any) {
    if (error instanceof CommanderError) {
      // Commander has printed its message (or the help) already.
      return error.exitCode;
    }
    fullContext.stderr(`Error: ${error?.message ?? error}\n`);
    return 1;
  }
}
