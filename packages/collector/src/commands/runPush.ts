import { join } from 'node:path';
import { GitAttribution } from '../attribution/GitAttribution';
import type { CollectorContext } from '../CollectorContext';
import { loadCollectorConfig } from '../config/loadCollectorConfig';
import { ImportClient } from '../push/ImportClient';
import { pushNewUsage } from '../push/pushNewUsage';
import { PushWatcher } from '../push/PushWatcher';
import { TranscriptReader } from '../transcripts/TranscriptReader';
import {
  collectorHome,
  type CommonOptions,
  configDirsOf,
} from './commonOptions';

/**
 * Options of the `push` command.
 *
 * @public
 */
export type PushOptions = CommonOptions & {
  state?: string;
  config?: string;
  url?: string;
  token?: string;
  identity?: string;
  provider?: string;
  batchSize?: string;
  /** Keep running and push as the transcripts change. */
  watch?: boolean;
  /** With `watch`: ms of quiet after a change before it is read. */
  debounce?: string;
  /** With `watch`: seconds between two listings of every transcript. */
  rescanInterval?: string;
  /** With `watch`: print the time and CPU time of every cycle. */
  stats?: boolean;
};

function numberOption(
  value: string | undefined,
  fallback: number,
  flag: string,
  min: number,
): number {
  const number = value === undefined ? fallback : Number(value);
  if (!Number.isFinite(number) || number < min) {
    throw new Error(`${flag} must be a number of at least ${min}`);
  }
  return number;
}

/** Environment variable read when `--token` is not given (keeps the token out of `ps`). */
export const TOKEN_ENV = 'CLAUDE_CODE_ANALYTICS_TOKEN';

/**
 * The `push` command: sends the requests that are new since the last push to the backend.
 *
 * @public
 */
export async function runPush(
  options: PushOptions,
  context: CollectorContext,
): Promise<void> {
  const config = await loadCollectorConfig(
    options.config ?? join(collectorHome(context), 'collector.json'),
  );
  const url = options.url ?? config.url;
  const token = options.token ?? context.env[TOKEN_ENV];
  if (!url) {
    throw new Error('push needs --url (or "url" in the config file)');
  }
  if (!token) {
    throw new Error(`push needs --token (or the ${TOKEN_ENV} variable)`);
  }
  const batchSize = Number(options.batchSize ?? 5000);
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new Error(`--batch-size must be a positive integer`);
  }
  const configDirs = configDirsOf(options, context);
  const reader = TranscriptReader.create({
    configDirs,
    workerScript: context.scanWorkerScript,
  });
  const clientOptions = {
    baseUrl: url,
    token,
    fetch: context.fetch,
    sleep: context.sleep,
  };
  const common = {
    statePath:
      options.state ?? join(collectorHome(context), 'collector-state.json'),
    identity: options.identity ?? config.identity,
    provider: options.provider ?? config.provider ?? 'firstParty',
    batchSize,
  };

  if (options.watch) {
    const watcher = PushWatcher.create({
      ...common,
      reader,
      configDirs,
      client: clientOptions,
      // Refreshed every 10 minutes: a remote added or changed later is picked up.
      attribution: GitAttribution.create({ maxAgeMs: 600_000 }),
      debounceMs: numberOption(options.debounce, 200, '--debounce', 0),
      rescanIntervalMs:
        1000 *
        numberOption(options.rescanInterval, 30, '--rescan-interval', 0.01),
      stats: options.stats,
      log: context.stdout,
      warn: context.stderr,
    });
    const unsubscribe = context.onStopSignal?.(signal => {
      unsubscribe?.();
      context.stdout(
        `${new Date().toISOString()} ${signal}: sending what is pending and saving the state.\n`,
      );
      void watcher.stop();
    });
    try {
      await watcher.run();
    } finally {
      unsubscribe?.();
    }
    return;
  }
  for (const flag of ['debounce', 'rescanInterval', 'stats'] as const) {
    if (options[flag] !== undefined) {
      throw new Error(
        `--${flag.replace(/[A-Z]/g, c => `-${c.toLowerCase()}`)} needs --watch`,
      );
    }
  }

  const summary = await pushNewUsage({
    ...common,
    reader,
    client: ImportClient.create(clientOptions),
    attribution: GitAttribution.create(),
  });
  context.stdout(
    `Sent ${summary.sent} request(s) in ${summary.batches} batch(es): ` +
      `${summary.accepted} accepted, ${summary.rejected.length} rejected.\n`,
  );
  for (const rejected of summary.rejected) {
    context.stderr(
      `Rejected session ${rejected.sessionId} request ${
        rejected.requestId ?? rejected.messageId ?? '?'
      }: ${rejected.reason}\n`,
    );
  }
  if (summary.malformedLines > 0) {
    context.stderr(`Skipped ${summary.malformedLines} malformed line(s).\n`);
  }
}
