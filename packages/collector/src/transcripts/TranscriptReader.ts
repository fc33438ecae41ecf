import { statSync } from 'node:fs';
import type { CollectorState, FileState } from '../state/CollectorState';
import type { SentKeys } from '../state/SentKeys';
import { findTranscriptFiles } from './findTranscriptFiles';
import {
  type FileScanRequest,
  scanFiles,
  type ScanThreadsOptions,
} from './scanFiles';
import {
  type TranscriptUsage,
  totalTokens,
  usageDedupeKey,
} from './TranscriptUsage';

/**
 * A deduplicated usage found by a scan.
 *
 * @public
 */
export type FoundUsage = {
  usage: TranscriptUsage;
  /** Dedupe key, undefined for lines without a message id. */
  key?: string;
  total: number;
};

/**
 * Result of a full scan.
 *
 * @public
 */
export type FullScan = {
  usages: FoundUsage[];
  files: number;
  malformedLines: number;
};

/**
 * Result of an incremental scan: the new usages and what the state becomes once they are sent.
 * `lastUsageIndex[path]` is the index of the last usage that depends on that file; the file's new
 * state may only be saved once every usage up to that index was accepted (-1: at once).
 *
 * @public
 */
export type IncrementalScan = {
  usages: FoundUsage[];
  nextFiles: Record<string, FileState>;
  lastUsageIndex: Record<string, number>;
  /** Files in the state that no longer exist. */
  deletedFiles: string[];
  malformedLines: number;
  /** Files whose `stat` was taken. */
  filesChecked: number;
  /** Files read (new, grown, truncated or replaced). */
  filesRead: number;
  /** Bytes those reads covered (from each file's offset to its size when listed). */
  bytesRead: number;
};

/**
 * Collects usage from every transcript file, keeping one copy per request: the copy with the
 * largest token total (Claude Code writes one line per content block, and early lines of a
 * streamed response can carry partial output counts).
 */
class UsageCollector {
  readonly usages: FoundUsage[] = [];
  private readonly indexByKey = new Map<string, number>();

  /** Adds a usage; returns the index it was stored at (or merged into). */
  add(usage: TranscriptUsage): number {
    const key = usageDedupeKey(usage);
    const total = totalTokens(usage.tokens);
    if (key === undefined) {
      this.usages.push({ usage, total });
      return this.usages.length - 1;
    }
    const index = this.indexByKey.get(key);
    if (index === undefined) {
      this.indexByKey.set(key, this.usages.length);
      this.usages.push({ usage, key, total });
      return this.usages.length - 1;
    }
    if (total > this.usages[index].total) {
      this.usages[index] = { usage, key, total };
    }
    return index;
  }
}

/**
 * Options of {@link TranscriptReader.create}.
 *
 * @public
 */
export type TranscriptReaderOptions = ScanThreadsOptions & {
  /** Claude Code config directories whose `projects` folders are read. */
  configDirs: string[];
};

const sizeOf = (path: string) => {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
};

/**
 * Reads Claude Code transcripts from a set of config directories, either fully (for local
 * reports) or incrementally against a {@link CollectorState} (for pushing).
 *
 * @public
 */
export class TranscriptReader {
  private constructor(private readonly options: TranscriptReaderOptions) {}

  /** A reader of the `projects` folders of `options.configDirs`. */
  static create(options: TranscriptReaderOptions): TranscriptReader {
    return new TranscriptReader(options);
  }

  /** Reads every file from the start, including a last line that is still being written. */
  async readAll(): Promise<FullScan> {
    const files = await findTranscriptFiles(this.options.configDirs);
    const outcomes = await scanFiles(
      files.map(path => ({
        path,
        start: 0,
        size: sizeOf(path),
        includeUnterminatedLine: true,
      })),
      this.options,
    );
    const collector = new UsageCollector();
    let malformedLines = 0;
    for (const outcome of outcomes) {
      if ('missing' in outcome) {
        continue;
      }
      for (const usage of outcome.usages) {
        collector.add(usage);
      }
      malformedLines += outcome.malformedLines;
    }
    return { usages: collector.usages, files: files.length, malformedLines };
  }

  /**
   * Reads what was appended since the state was saved. A file that shrank or whose inode changed
   * (rotated, truncated, replaced) is read again from the start; the sent keys keep its old
   * requests from being sent twice. Usages already sent with at least the same token total are
   * left out. An unchanged file costs one `stat`.
   *
   * `changedPaths` limits the run to those transcript files (the ones a file system watcher saw
   * change) instead of listing every file: one of them that no longer exists is reported as
   * deleted, and the other files of the state are left alone.
   */
  async readNew(
    state: CollectorState,
    sent: SentKeys,
    changedPaths?: Iterable<string>,
  ): Promise<IncrementalScan> {
    const files = changedPaths
      ? [...new Set(changedPaths)].sort()
      : await findTranscriptFiles(this.options.configDirs);
    const deletedFiles: string[] = [];
    const requests: FileScanRequest[] = [];
    const fileStates: FileState[] = [];
    let bytesRead = 0;
    for (const path of files) {
      let stat;
      try {
        stat = statSync(path, { bigint: true });
      } catch (error: any) {
        if (changedPaths && error?.code === 'ENOENT' && state.files[path]) {
          deletedFiles.push(path);
        }
        continue;
      }
      if (changedPaths && !stat.isFile()) {
        continue;
      }
      const size = Number(stat.size);
      const inode = stat.ino.toString();
      const mtimeMs = Number(stat.mtimeMs);
      const previous = state.files[path];
      const unchanged =
        previous?.inode === inode &&
        previous.size === size &&
        previous.mtimeMs === mtimeMs;
      if (unchanged) {
        continue;
      }
      const continues =
        previous?.inode === inode &&
        size >= previous.offset &&
        size >= previous.size;
      const start = continues ? previous.offset : 0;
      requests.push({ path, start, size, includeUnterminatedLine: false });
      bytesRead += size - start;
      fileStates.push({ size, inode, mtimeMs, offset: 0 });
    }

    const outcomes = await scanFiles(requests, this.options);
    const collector = new UsageCollector();
    const nextFiles: Record<string, FileState> = {};
    const lastUsageIndex: Record<string, number> = {};
    let malformedLines = 0;
    outcomes.forEach((outcome, index) => {
      if ('missing' in outcome) {
        return;
      }
      const path = requests[index].path;
      let last = -1;
      for (const usage of outcome.usages) {
        const key = usageDedupeKey(usage);
        if (key === undefined || !sent.has(key, totalTokens(usage.tokens))) {
          last = Math.max(last, collector.add(usage));
        }
      }
      malformedLines += outcome.malformedLines;
      nextFiles[path] = { ...fileStates[index], offset: outcome.endOffset };
      lastUsageIndex[path] = last;
    });

    if (!changedPaths) {
      const listed = new Set(files);
      for (const path of Object.keys(state.files)) {
        if (!listed.has(path)) {
          deletedFiles.push(path);
        }
      }
    }
    return {
      usages: collector.usages,
      nextFiles,
      lastUsageIndex,
      deletedFiles,
      malformedLines,
      filesChecked: files.length,
      filesRead: requests.length,
      bytesRead,
    };
  }
}
