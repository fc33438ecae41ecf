import type { GitAttribution } from '../attribution/GitAttribution';
import {
  type CollectorState,
  loadCollectorState,
  saveCollectorState,
} from '../state/CollectorState';
import { SentKeys } from '../state/SentKeys';
import { TranscriptFolderWatcher } from '../transcripts/TranscriptFolderWatcher';
import type { TranscriptReader } from '../transcripts/TranscriptReader';
import { ImportClient, type ImportClientOptions } from './ImportClient';
import { type PushSummary, sendScan } from './pushNewUsage';

/**
 * Options of {@link PushWatcher.create}.
 *
 * @public
 */
export type PushWatcherOptions = {
  reader: TranscriptReader;
  /** Config directories whose `projects` folders are watched (those of the reader). */
  configDirs: string[];
  /** The import client is built from these, with a back-off sleep that a stop interrupts. */
  client: ImportClientOptions;
  attribution: GitAttribution;
  statePath: string;
  identity?: string;
  provider: string;
  batchSize: number;
  /**
   * Quiet time after a transcript change before it is read, so that a burst of writes (Claude
   * Code writes a line per content block) is read and sent at once. 0 reads at once.
   */
  debounceMs: number;
  /** Longest wait after the first change of a burst, however long it lasts. Defaults to 5 x debounce, at least 1 s. */
  maxWaitMs?: number;
  /** Every file is listed and checked at this interval (events can be missed). */
  rescanIntervalMs: number;
  /** Wait after a failed push before the next attempt; doubled on each failure. Defaults to the rescan interval. */
  retryDelayMs?: number;
  /** Longest wait between attempts after failures. Defaults to 10 minutes. */
  maxRetryDelayMs?: number;
  /** Watch the folders with fs.watch; false relies on the periodic rescan alone. Defaults to true. */
  watchFolders?: boolean;
  /** See {@link TranscriptFolderWatcherOptions.recursive}. */
  recursive?: boolean;
  /** Print a line with the time and CPU of every cycle. */
  stats?: boolean;
  /** One line per push (and the start line). */
  log: (line: string) => void;
  /** Failures, rejected records and malformed lines. */
  warn: (line: string) => void;
  /** Defaults to {@link saveCollectorState}. */
  saveState?: (path: string, state: CollectorState) => Promise<void>;
  now?: () => Date;
};

/** Why a cycle runs: the changed files, or a listing of every file. */
type CycleKind = 'changes' | 'rescan';

class StoppedError extends Error {
  constructor() {
    super('stopping');
  }
}

const formatMs = (ms: number) => ms.toFixed(1);

/**
 * The long-running `push --watch`: keeps the state (offsets and sent keys) in memory, reads what
 * is appended to the transcripts as fs.watch reports it (after a debounce), lists every file
 * periodically in case an event was missed, and sends new requests with the same batches,
 * retries and state file updates as a one-shot `push` (see {@link sendScan}). A cycle runs at a
 * time; a failed one is tried again later with a growing delay, from the state of the last
 * accepted batch.
 *
 * @public
 */
export class PushWatcher {
  private state!: CollectorState;
  private sent!: SentKeys;
  private readonly client: ImportClient;
  private readonly folders?: TranscriptFolderWatcher;
  private readonly maxWaitMs: number;
  private readonly now: () => Date;
  private readonly saveState: (
    path: string,
    state: CollectorState,
  ) => Promise<void>;

  /** Transcript files changed since the last cycle started. */
  private dirty = new Set<string>();
  /** The next cycle lists every file. */
  private rescanAll = false;
  /** When the first change of the pending burst was seen (performance.now()). */
  private burstStartedAt?: number;
  private debounceTimer?: NodeJS.Timeout;
  private rescanTimer?: NodeJS.Timeout;
  private retryTimer?: NodeJS.Timeout;
  /** No cycle before this time (Date.now()), after failures. */
  private retryAt = 0;
  private failures = 0;
  private cycle?: Promise<void>;
  private cycleWanted = false;
  private cycles = 0;
  /** The in-memory state has changes the state file does not have. */
  private unsaved = false;

  private stopping = false;
  private readonly stopController = new AbortController();
  private stopped?: Promise<void>;
  private resolveRun?: () => void;

  private constructor(private readonly options: PushWatcherOptions) {
    this.maxWaitMs =
      options.maxWaitMs ?? Math.max(1000, 5 * options.debounceMs);
    this.now = options.now ?? (() => new Date());
    this.saveState = options.saveState ?? saveCollectorState;
    const sleep =
      options.client.sleep ??
      ((ms: number) => new Promise<void>(done => setTimeout(done, ms)));
    const signal = this.stopController.signal;
    this.client = ImportClient.create({
      ...options.client,
      // Waits between attempts end at once when stopping: the batch fails, the state stays at
      // the last accepted one.
      sleep: async ms => {
        if (signal.aborted) {
          throw new StoppedError();
        }
        let onAbort = () => {};
        try {
          await Promise.race([
            sleep(ms),
            new Promise<void>((_, fail) => {
              onAbort = () => fail(new StoppedError());
              signal.addEventListener('abort', onAbort, { once: true });
            }),
          ]);
        } finally {
          signal.removeEventListener('abort', onAbort);
        }
      },
    });
    if (options.watchFolders !== false) {
      this.folders = TranscriptFolderWatcher.create({
        configDirs: options.configDirs,
        recursive: options.recursive,
        onFileChange: path => this.changed(path),
        onRescanNeeded: () => this.changed(undefined),
      });
    }
  }

  /** A watcher; nothing happens before {@link PushWatcher.run}. */
  static create(options: PushWatcherOptions): PushWatcher {
    return new PushWatcher(options);
  }

  /**
   * Loads the state, starts watching, sends what is new since the last push and then every
   * change; resolves once {@link PushWatcher.stop} has finished. Rejects when the state file
   * cannot be read (at start) or written (at the end).
   */
  async run(): Promise<void> {
    const finished = new Promise<void>(done => {
      this.resolveRun = done;
    });
    this.state = await loadCollectorState(this.options.statePath);
    this.sent = SentKeys.fromState(this.state);
    if (!this.stopping) {
      // Watching starts before the first scan, so that nothing written meanwhile is missed.
      this.folders?.refresh();
      const rescanSeconds = this.options.rescanIntervalMs / 1000;
      if (this.folders) {
        const error = this.folders.error
          ? `; some could not be watched (${
              (this.folders.error as any).code ?? this.folders.error.message
            }), the rescan covers them`
          : '';
        this.log(
          `Watching ${this.folders.folders} transcript folder(s) (rescan every ${rescanSeconds} s, debounce ${this.options.debounceMs} ms)${error}.`,
        );
      } else {
        this.log(`Rescanning the transcripts every ${rescanSeconds} s.`);
      }
      this.rescanTimer = setInterval(() => {
        this.folders?.refresh();
        this.rescanAll = true;
        this.trigger();
      }, this.options.rescanIntervalMs);
      this.rescanAll = true;
      this.trigger();
    }
    await finished;
    if (this.unsaved) {
      await this.save();
    }
  }

  /**
   * Stops watching, waits for the cycle under way (a back-off wait ends it at once), sends what
   * is new in any file (one attempt; not when pushes were failing) and saves the state. Resolves
   * when done; `run` resolves then too.
   */
  stop(): Promise<void> {
    if (!this.stopped) {
      this.stopping = true;
      this.stopController.abort();
      clearTimeout(this.debounceTimer);
      clearTimeout(this.retryTimer);
      clearInterval(this.rescanTimer);
      this.folders?.close();
      this.stopped = (async () => {
        await this.cycle;
        if (this.state && this.failures === 0) {
          // Every file, not only the changes seen: an event may not have arrived yet.
          this.rescanAll = true;
          await this.runCycle();
        }
        this.resolveRun?.();
      })();
    }
    return this.stopped;
  }

  /** A transcript changed (`path`), or something that needs every file listed (`undefined`). */
  private changed(path: string | undefined): void {
    if (path === undefined) {
      this.rescanAll = true;
    } else {
      this.dirty.add(path);
    }
    if (this.stopping) {
      return;
    }
    const now = performance.now();
    this.burstStartedAt ??= now;
    clearTimeout(this.debounceTimer);
    const delay = Math.max(
      0,
      Math.min(
        this.options.debounceMs,
        this.burstStartedAt + this.maxWaitMs - now,
      ),
    );
    this.debounceTimer = setTimeout(() => {
      this.debounceTimer = undefined;
      this.trigger();
    }, delay);
  }

  /** Starts a cycle now, or as soon as the one under way or the back-off after failures ends. */
  private trigger(): void {
    if (this.stopping) {
      return;
    }
    if (this.cycle) {
      this.cycleWanted = true;
      return;
    }
    const wait = this.retryAt - Date.now();
    if (wait > 0) {
      this.retryTimer ??= setTimeout(() => {
        this.retryTimer = undefined;
        this.trigger();
      }, wait);
      return;
    }
    this.cycleWanted = false;
    this.cycle = this.runCycle().finally(() => {
      this.cycle = undefined;
      if (this.cycleWanted) {
        this.trigger();
      }
    });
  }

  /** Reads what changed and sends it; never rejects (a failure schedules another attempt). */
  private async runCycle(): Promise<void> {
    const kind: CycleKind = this.rescanAll ? 'rescan' : 'changes';
    const paths = kind === 'rescan' ? undefined : [...this.dirty];
    const waitedMs =
      this.burstStartedAt === undefined
        ? undefined
        : performance.now() - this.burstStartedAt;
    this.dirty = new Set();
    this.rescanAll = false;
    this.burstStartedAt = undefined;
    const first = this.cycles === 0;
    this.cycles += 1;

    const startedAt = performance.now();
    const cpuAtStart = process.cpuUsage();
    let summary: PushSummary | undefined;
    let files = { checked: 0, read: 0, bytes: 0, deleted: 0 };
    try {
      const scan = await this.options.reader.readNew(
        this.state,
        this.sent,
        paths,
      );
      files = {
        checked: scan.filesChecked,
        read: scan.filesRead,
        bytes: scan.bytesRead,
        deleted: scan.deletedFiles.length,
      };
      const outcome = await sendScan(scan, this.state, this.sent, {
        client: this.client,
        attribution: this.options.attribution,
        statePath: this.options.statePath,
        identity: this.options.identity,
        provider: this.options.provider,
        batchSize: this.options.batchSize,
        now: this.now,
        saveState: this.saveState,
        deferSaveWithoutRequests: true,
      });
      summary = outcome.summary;
      // A batch's save writes the whole state, earlier deferred changes included.
      this.unsaved =
        summary.batches > 0 ? outcome.unsaved : this.unsaved || outcome.unsaved;
      if (kind === 'rescan' && this.unsaved && !this.stopping) {
        // Changes that sent nothing are saved at the periodic rescan (and when stopping).
        await this.save();
      }
      this.failures = 0;
      this.retryAt = 0;
    } catch (error: any) {
      // The state in memory is the state of the last accepted batch (maybe not saved yet).
      this.unsaved = true;
      // What this cycle read is read again by the next one.
      if (paths) {
        paths.forEach(path => this.dirty.add(path));
      } else {
        this.rescanAll = true;
      }
      this.failures += 1;
      const message =
        error instanceof StoppedError
          ? 'stopped while waiting to retry'
          : error?.message ?? String(error);
      if (this.stopping) {
        this.options.warn(`${this.timestamp()} Push failed: ${message}.\n`);
      } else {
        const delay = Math.min(
          (this.options.retryDelayMs ?? this.options.rescanIntervalMs) *
            2 ** (this.failures - 1),
          this.options.maxRetryDelayMs ?? 600_000,
        );
        this.retryAt = Date.now() + delay;
        this.options.warn(
          `${this.timestamp()} Push failed: ${message}; trying again in ${
            delay / 1000
          } s.\n`,
        );
      }
    }

    if (summary && (summary.sent > 0 || first)) {
      this.log(
        `Sent ${summary.sent} request(s) in ${summary.batches} batch(es): ` +
          `${summary.accepted} accepted, ${summary.rejected.length} rejected.`,
      );
      for (const rejected of summary.rejected) {
        this.options.warn(
          `Rejected session ${rejected.sessionId} request ${
            rejected.requestId ?? rejected.messageId ?? '?'
          }: ${rejected.reason}\n`,
        );
      }
    }
    if (summary && summary.malformedLines > 0) {
      this.options.warn(
        `Skipped ${summary.malformedLines} malformed line(s).\n`,
      );
    }
    if (this.options.stats) {
      const cpu = process.cpuUsage(cpuAtStart);
      const wait =
        waitedMs === undefined
          ? ''
          : ` after ${formatMs(waitedMs)} ms of debounce`;
      this.log(
        `stats: ${kind} cycle ${formatMs(
          performance.now() - startedAt,
        )} ms${wait}, cpu ${formatMs(
          (cpu.user + cpu.system) / 1000,
        )} ms (user ${formatMs(cpu.user / 1000)}, system ${formatMs(
          cpu.system / 1000,
        )}), ${files.checked} file(s) checked, ${files.read} read (${(
          files.bytes /
          1024 ** 2
        ).toFixed(2)} MB), ${files.deleted} deleted, ${
          summary?.sent ?? 0
        } request(s) sent${summary ? '' : ', failed'}`,
      );
    }
  }

  /** Writes the state file (throws when it cannot). */
  private async save(): Promise<void> {
    await this.saveState(this.options.statePath, this.state);
    this.unsaved = false;
  }

  private timestamp(): string {
    return this.now().toISOString();
  }

  private log(line: string): void {
    this.options.log(`${this.timestamp()} ${line}\n`);
  }
}
