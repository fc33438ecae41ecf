import type { RequestRecord } from 'backstage-plugin-claude-code-analytics-common';
import type { GitAttribution } from '../attribution/GitAttribution';
import { toRequestRecord } from '../records/toRequestRecord';
import {
  loadCollectorState,
  saveCollectorState,
} from '../state/CollectorState';
import { SentKeys } from '../state/SentKeys';
import type { TranscriptReader } from '../transcripts/TranscriptReader';
import type { ImportClient } from './ImportClient';

/**
 * Options of {@link pushNewUsage}.
 *
 * @public
 */
export type PushNewUsageOptions = {
  reader: TranscriptReader;
  client: ImportClient;
  attribution: GitAttribution;
  statePath: string;
  /** Identity put on every record; defaults to the git user email. */
  identity?: string;
  provider: string;
  /** Records per request. */
  batchSize: number;
  now?: () => Date;
};

/**
 * A record the backend refused, with its reason.
 *
 * @public
 */
export type RejectedRecord = {
  sessionId: string;
  requestId?: string;
  messageId?: string;
  reason: string;
};

/**
 * Outcome of {@link pushNewUsage}.
 *
 * @public
 */
export type PushSummary = {
  sent: number;
  accepted: number;
  rejected: RejectedRecord[];
  batches: number;
  malformedLines: number;
};

/**
 * Sends the requests that are new since the last push, in batches. After each batch the backend
 * accepted, the state file records the batch's keys and the offsets of the files whose new
 * requests have all been accepted; a failed batch leaves the state at the last accepted one, so
 * the next run sends exactly what is missing.
 *
 * @public
 */
export async function pushNewUsage(
  options: PushNewUsageOptions,
): Promise<PushSummary> {
  const now = options.now ?? (() => new Date());
  const state = await loadCollectorState(options.statePath);
  const sent = SentKeys.fromState(state);
  const scan = await options.reader.readNew(state, sent);

  const identity =
    options.identity ?? (await options.attribution.gitUserEmail());
  // One git call per working directory, one after the other.
  const repositories = new Map<string | undefined, string | undefined>();
  for (const { usage } of scan.usages) {
    if (!repositories.has(usage.cwd)) {
      repositories.set(
        usage.cwd,
        await options.attribution.repositoryOf(usage.cwd),
      );
    }
  }
  const records: RequestRecord[] = scan.usages.map(({ usage }) =>
    toRequestRecord(usage, {
      identity,
      provider: options.provider,
      repository: repositories.get(usage.cwd),
    }),
  );

  for (const path of scan.deletedFiles) {
    delete state.files[path];
  }
  const pendingFiles = new Set(Object.keys(scan.nextFiles));
  const commitFilesUpTo = (acceptedCount: number) => {
    for (const path of pendingFiles) {
      if (scan.lastUsageIndex[path] < acceptedCount) {
        state.files[path] = scan.nextFiles[path];
        pendingFiles.delete(path);
      }
    }
  };
  commitFilesUpTo(0);
  if (
    pendingFiles.size < Object.keys(scan.nextFiles).length ||
    scan.deletedFiles.length > 0
  ) {
    // Files without new requests (or whose requests were all sent before) move at once.
    await saveCollectorState(options.statePath, state);
  }

  const summary: PushSummary = {
    sent: 0,
    accepted: 0,
    rejected: [],
    batches: 0,
    malformedLines: scan.malformedLines,
  };
  for (let start = 0; start < records.length; start += options.batchSize) {
    const batch = records.slice(start, start + options.batchSize);
    const result = await options.client.send(batch);
    summary.batches += 1;
    summary.sent += batch.length;
    summary.accepted += result.accepted;
    for (const { line, reason } of result.rejected) {
      const record = batch[line - 1];
      summary.rejected.push({
        sessionId: record?.sessionId ?? '',
        requestId: record?.requestId,
        messageId: record?.messageId,
        reason,
      });
    }
    // Rejected lines advance too: the backend refuses them for their content, a resend would
    // be refused again.
    const time = now();
    for (let index = start; index < start + batch.length; index++) {
      const { usage, key, total } = scan.usages[index];
      if (key !== undefined) {
        sent.add(usage.sessionId, key, total, time);
      }
    }
    commitFilesUpTo(start + batch.length);
    sent.prune();
    await saveCollectorState(options.statePath, state);
  }
  return summary;
}
