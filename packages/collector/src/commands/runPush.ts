import { join } from 'node:path';
import { GitAttribution } from '../attribution/GitAttribution';
import type { CollectorContext } from '../CollectorContext';
import { loadCollectorConfig } from '../config/loadCollectorConfig';
import { ImportClient } from '../push/ImportClient';
import { pushNewUsage } from '../push/pushNewUsage';
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
};

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
  const summary = await pushNewUsage({
    reader: TranscriptReader.create({
      configDirs: configDirsOf(options, context),
      workerScript: context.scanWorkerScript,
    }),
    client: ImportClient.create({
      baseUrl: url,
      token,
      fetch: context.fetch,
      sleep: context.sleep,
    }),
    attribution: GitAttribution.create(),
    statePath:
      options.state ?? join(collectorHome(context), 'collector-state.json'),
    identity: options.identity ?? config.identity,
    provider: options.provider ?? config.provider ?? 'firstParty',
    batchSize,
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
