import { availableParallelism } from 'node:os';
import { type MessagePort, Worker } from 'node:worker_threads';
import { scanTranscriptFileSync } from './scanTranscriptFile';
import type { TranscriptUsage } from './TranscriptUsage';

/**
 * One file to scan, from `start`.
 *
 * @public
 */
export type FileScanRequest = {
  path: string;
  start: number;
  /** Size when listed; only used to hand out the large files first. */
  size: number;
  includeUnterminatedLine: boolean;
};

/**
 * What a file held, or `missing` when it was deleted before it could be read.
 *
 * @public
 */
export type FileScanOutcome =
  | {
      usages: TranscriptUsage[];
      endOffset: number;
      malformedLines: number;
    }
  | { missing: true };

/**
 * How to spread a scan over threads.
 *
 * @public
 */
export type ScanThreadsOptions = {
  /**
   * Script of the scan worker (the bundled `scanWorker`); without it everything is read on the
   * calling thread. The TypeScript sources cannot run in a worker without a transpiler.
   */
  workerScript?: string;
  /**
   * Threads reading at once, the calling one included. Defaults to the CPU count (at most 4),
   * fewer for less than 32 MB per thread.
   */
  threads?: number;
  /** False leaves all reading to the workers (for tests). Defaults to true. */
  callerScans?: boolean;
};

/** Below this many bytes a worker costs more to start than it saves. */
const MIN_BYTES_PER_WORKER = 32 * 1024 * 1024;
const MAX_THREADS = 4;

/** Message of a worker to the thread that started it: the outcomes of the files it read. */
type WorkerReply = Array<[number, FileScanOutcome]>;

/** Data a worker starts with. */
export type ScanWorkerData = {
  requests: FileScanRequest[];
  /** Index of the next request to take, shared by all threads. */
  next: Int32Array;
};

function scanOne(request: FileScanRequest): FileScanOutcome {
  const usages: TranscriptUsage[] = [];
  try {
    const result = scanTranscriptFileSync(
      request.path,
      {
        start: request.start,
        includeUnterminatedLine: request.includeUnterminatedLine,
      },
      usage => usages.push(usage),
    );
    return {
      usages,
      endOffset: result.endOffset,
      malformedLines: result.malformedLines,
    };
  } catch (error: any) {
    // Deleted between listing and reading (Claude Code cleans up old sessions).
    if (error?.code === 'ENOENT') {
      return { missing: true };
    }
    throw error;
  }
}

/**
 * Takes requests from the shared counter until none is left; every thread of a scan runs this.
 * Requests are taken in the order of `order` (largest files first, so that no thread is left
 * with a large file at the end).
 */
function scanShare(
  requests: FileScanRequest[],
  next: Int32Array,
  store: (index: number, outcome: FileScanOutcome) => void,
) {
  const order = requests
    .map((request, index) => ({ index, size: request.size }))
    .sort((a, b) => b.size - a.size);
  for (
    let taken = Atomics.add(next, 0, 1);
    taken < order.length;
    taken = Atomics.add(next, 0, 1)
  ) {
    const { index } = order[taken];
    store(index, scanOne(requests[index]));
  }
}

/**
 * The body of a scan worker: scans its share and replies once with the outcomes. A file it could
 * not read has none; the calling thread reads it again and reports the error.
 */
export function runScanWorker(data: ScanWorkerData, port: MessagePort) {
  const reply: WorkerReply = [];
  try {
    scanShare(data.requests, data.next, (index, outcome) =>
      reply.push([index, outcome]),
    );
  } catch {
    // Stops taking files; the one that failed is read again by the calling thread.
  }
  port.postMessage(reply);
}

/** Starts a worker; resolves to its reply, or to nothing when it failed. */
function startWorker(
  script: string,
  data: ScanWorkerData,
): { reply: Promise<WorkerReply>; stop: () => void } {
  const worker = new Worker(script, { workerData: data });
  const reply = new Promise<WorkerReply>(resolve => {
    worker.once('message', resolve);
    worker.once('error', () => resolve([]));
    worker.once('exit', () => resolve([]));
  }).finally(() => worker.terminate());
  return { reply, stop: () => void worker.terminate() };
}

/**
 * Scans files, on several threads when there is enough to read and a worker script, and returns
 * each file's outcome at its request's index: the result is the same whatever the threads.
 *
 * @public
 */
export async function scanFiles(
  requests: FileScanRequest[],
  options: ScanThreadsOptions = {},
): Promise<FileScanOutcome[]> {
  const outcomes = new Array<FileScanOutcome>(requests.length);
  const store = (index: number, outcome: FileScanOutcome) => {
    outcomes[index] = outcome;
  };
  const bytes = requests.reduce(
    (sum, request) => sum + Math.max(0, request.size - request.start),
    0,
  );
  const threads = Math.min(
    options.threads ??
      Math.min(
        availableParallelism(),
        MAX_THREADS,
        Math.floor(bytes / MIN_BYTES_PER_WORKER) + 1,
      ),
    requests.length,
  );
  const next = new Int32Array(new SharedArrayBuffer(4));
  if (!options.workerScript || threads < 2) {
    scanShare(requests, next, store);
    return outcomes;
  }

  const workers = Array.from({ length: threads - 1 }, () =>
    startWorker(options.workerScript!, { requests, next }),
  );
  try {
    if (options.callerScans !== false) {
      // This thread takes its share while the workers start and take theirs.
      scanShare(requests, next, store);
    }
  } catch (error) {
    workers.forEach(worker => worker.stop());
    throw error;
  }
  for (const reply of await Promise.all(workers.map(w => w.reply))) {
    for (const [index, outcome] of reply) {
      store(index, outcome);
    }
  }
  // What a failed worker took and did not answer for (a file it could not read, or all of its
  // share if it did not start) is read here; a real read error is thrown from here.
  for (let index = 0; index < requests.length; index++) {
    outcomes[index] ??= scanOne(requests[index]);
  }
  return outcomes;
}
