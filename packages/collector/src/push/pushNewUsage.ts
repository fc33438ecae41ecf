import type { RequestRecord } from 'backstage-plugin-claude-code-analytics-common';
import type { GitAttribution } from '../attribution/GitAttribution';
import { toRequestRecord } from '../records/toRequestRecord';
import {
  type CollectorState,
  loadCollectorState,
  saveCollectorState,
} from '../state/CollectorState';
import { SentKeys } from '../state/SentKeys';
import type {
  IncrementalScan,
  TranscriptReader,
} from '../transcripts/TranscriptReader';
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
  const state = await loadCollectorState(options.statePath);
  const sent = SentKeys.fromState(state);
  const scan = await options.reader.readNew(state, sent);
  const { summary } = await sendScan(scan, state, sent, options);
  return summary;
}

/**
 * Options of {@link sendScan}.
 *
 * @public
 */
export type SendScanOptions = Omit<PushNewUsageOptions, 'reader'> & {
  /**
   * When true, a state change that sends nothing (files that only grew by lines without new
   * requests, deleted files) is not saved at once but left to the caller (`unsaved` in the
   * outcome), which saves it with the next accepted batch or later: losing it costs a re-read,
   * never a request. A long-running watcher uses it to skip a write per transcript change.
   */
  deferSaveWithoutRequests?: boolean;
  /** Defaults to {@link saveCollectorState}. */
  saveState?: (path: string, state: CollectorState) => Promise<void>;
};

/**
 * Outcome of {@link sendScan}.
 *
 * @public
 */
export type SendScanOutcome = {
  summary: PushSummary;
  /** True when `state` holds changes that are not in the state file yet. */
  unsaved: boolean;
};

/**
 * Sends the usages of an incremental scan in batches and moves `state` (in memory, with `sent`
 * writing into it) and the state file along: after each accepted batch, the batch's keys and the
 * offsets of the files whose new requests have all been accepted are saved. A failed batch
 * throws and leaves `state` and the state file at the last accepted batch, so a later scan
 * against the same `state` sends exactly what is missing.
 *
 * @public
 */
export async function sendScan(
  scan: IncrementalScan,
  state: CollectorState,
  sent: SentKeys,
  options: SendScanOptions,
): Promise<SendScanOutcome> {
  const now = options.now ?? (() => new Date());
  const save = options.saveState ?? saveCollectorState;

  const identity =
    scan.usages.length > 0
      ? options.identity ?? (await options.attribution.gitUserEmail())
      : undefined;
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
  let unsaved =
    pendingFiles.size < Object.keys(scan.nextFiles).length ||
    scan.deletedFiles.length > 0;
  if (unsaved && !options.deferSaveWithoutRequests) {
    // Files without new requests (or whose requests were all sent before) move at once.
    await save(options.statePath, state);
    unsaved = false;
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
    // From here the batch counts as sent in memory; should the save fail, the state file is
    // behind and a restart sends the batch again (the backend keeps one copy per request).
    unsaved = true;
    await save(options.statePath, state);
    unsaved = false;
  }
  return { summary, unsaved };
}
