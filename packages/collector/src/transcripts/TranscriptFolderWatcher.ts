import {
  type FSWatcher,
  readdirSync,
  statSync,
  watch as watchPath,
} from 'node:fs';
import { join, sep } from 'node:path';

/**
 * Options of {@link TranscriptFolderWatcher.create}.
 *
 * @public
 */
export type TranscriptFolderWatcherOptions = {
  /** Claude Code config directories; their `projects` folders are watched, at any depth. */
  configDirs: string[];
  /** A transcript file (`*.jsonl`) was created, written, truncated, renamed or deleted. */
  onFileChange: (path: string) => void;
  /**
   * Something happened that names no transcript file (a folder appeared or went away, an event
   * without a name, a watch that failed): every file should be listed again.
   */
  onRescanNeeded: () => void;
  /**
   * One native recursive watch per `projects` folder (macOS, Windows) instead of one watch per
   * folder. Defaults to true except on Linux, where Node 22 emulates a recursive watch with a
   * watch and a `stat` per file (with 1,769 files: ~125 ms and ~80 ms of CPU to start, 1,782
   * inotify watches, against ~10 ms and 13 watches for one watch per folder).
   */
  recursive?: boolean;
};

type Watched = { watcher: FSWatcher; inode: number };

const statOf = (path: string) => statSync(path, { throwIfNoEntry: false });

/**
 * Watches the `projects` folders of Claude Code config directories for transcript changes with
 * `fs.watch`, and reports the transcript files that changed. Nothing is read here: the caller
 * reads the files (from their offsets) when it is told. Watches can miss events (a full inotify
 * queue, a folder created and filled at once, network file systems), so callers also list every
 * file from time to time and call {@link TranscriptFolderWatcher.refresh} then.
 *
 * @public
 */
export class TranscriptFolderWatcher {
  private readonly roots: string[];
  private readonly recursive: boolean;
  /** Watched folders by path. */
  private readonly watched = new Map<string, Watched>();
  private closed = false;
  /** The first error that kept a folder from being watched (e.g. `ENOSPC`: no inotify watch left). */
  error?: Error;

  private constructor(
    private readonly options: TranscriptFolderWatcherOptions,
  ) {
    this.roots = options.configDirs.map(dir => join(dir, 'projects'));
    this.recursive = options.recursive ?? process.platform !== 'linux';
  }

  /** A watcher of `options.configDirs`; call `refresh` to start watching. */
  static create(
    options: TranscriptFolderWatcherOptions,
  ): TranscriptFolderWatcher {
    return new TranscriptFolderWatcher(options);
  }

  /** Number of folders (or recursive roots) watched. */
  get folders(): number {
    return this.watched.size;
  }

  /**
   * Starts watching what is not watched yet (`projects` folders that appeared, folders created
   * without an event) and stops watching folders that are gone or were replaced. Costs a `stat`
   * per watched folder and, per folder, a listing of its entries (one watch per folder).
   */
  refresh(): void {
    if (this.closed) {
      return;
    }
    for (const [dir, { inode }] of this.watched) {
      if (statOf(dir)?.ino !== inode) {
        this.unwatchTree(dir);
      }
    }
    for (const root of this.roots) {
      if (this.recursive) {
        if (!this.watched.has(root) && statOf(root)?.isDirectory()) {
          this.watchFolder(root);
        }
      } else {
        this.watchTree(root);
      }
    }
  }

  /** Stops every watch. */
  close(): void {
    this.closed = true;
    for (const { watcher } of this.watched.values()) {
      watcher.close();
    }
    this.watched.clear();
  }

  /** Watches `dir` and its sub-folders (one watch per folder). */
  private watchTree(dir: string): void {
    if (!this.watched.has(dir) && !this.watchFolder(dir)) {
      return;
    }
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      // Symbolic links are not followed, as when listing the transcripts.
      if (entry.isDirectory()) {
        this.watchTree(join(dir, entry.name));
      }
    }
  }

  /** Starts one watch; false when `dir` cannot be watched (gone, not a folder, no watch left). */
  private watchFolder(dir: string): boolean {
    const stat = statOf(dir);
    if (!stat?.isDirectory()) {
      return false;
    }
    let watcher: FSWatcher;
    try {
      watcher = watchPath(
        dir,
        { persistent: true, recursive: this.recursive },
        (event, name) => this.onEvent(dir, event, name),
      );
    } catch (error: any) {
      this.error ??= error;
      return false;
    }
    watcher.on('error', error => {
      this.error ??= error;
      this.unwatchTree(dir);
      this.options.onRescanNeeded();
    });
    this.watched.set(dir, { watcher, inode: stat.ino });
    return true;
  }

  /** Stops watching `dir` and its sub-folders. */
  private unwatchTree(dir: string): void {
    for (const [path, { watcher }] of this.watched) {
      if (path === dir || path.startsWith(dir + sep)) {
        watcher.close();
        this.watched.delete(path);
      }
    }
  }

  private onEvent(dir: string, event: string, name: string | null): void {
    if (this.closed) {
      return;
    }
    if (!name) {
      this.options.onRescanNeeded();
      return;
    }
    const path = join(dir, name.toString());
    if (path.endsWith('.jsonl')) {
      this.options.onFileChange(path);
      return;
    }
    if (event !== 'rename') {
      // A change of another file, or of a folder's attributes.
      return;
    }
    // Something else appeared, went away or was renamed. When it is (or was) a folder, list
    // everything: files may have been written into a new folder before it was watched, and
    // those of a removed folder are gone. Other files are not transcripts.
    const stat = statOf(path);
    let rescan = false;
    if (!statOf(dir)?.isDirectory()) {
      // The watched folder itself went away.
      this.unwatchTree(dir);
      rescan = true;
    } else if (this.recursive) {
      rescan = !stat || stat.isDirectory();
    } else if (stat?.isDirectory()) {
      this.watchTree(path);
      rescan = true;
    } else if (this.watched.has(path)) {
      this.unwatchTree(path);
      rescan = true;
    }
    if (rescan) {
      this.options.onRescanNeeded();
    }
  }
}
