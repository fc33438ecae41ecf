import { LoggerService } from '@backstage/backend-plugin-api';
import { ServiceUnavailableError } from '@backstage/errors';
import { Worker } from 'node:worker_threads';
import {
  DecodedExport,
  decodeExport,
  DecodeFailure,
  DECODE_EXPORT_MODULE,
  DECODING_THREAD,
  errorOf,
  OtlpExport,
} from './decodeExport';

type Pending = {
  input: OtlpExport;
  resolve: (result: DecodedExport) => void;
  reject: (error: Error) => void;
};

type Thread = {
  worker: Worker;
  pending: Map<number, Pending>;
  /** Its module is loaded and listening (it said so). */
  ready: boolean;
};

/**
 * Decodes OTLP exports (JSON or protobuf parsing, reading Claude Code's events and metrics) in
 * worker threads, so that the event loop only stores the rows: parsing is most of an export's CPU
 * time besides the database. With no threads, exports are decoded on the event loop. A thread
 * that dies answers its exports in flight with 503 (which OTLP exporters retry; they are not
 * decoded on the event loop, where an export that killed a thread could take the backend down) and
 * is replaced. Exports in flight when the backend stops are decoded on the event loop.
 */
export class OtlpDecoderPool {
  private readonly threads: Array<Thread | undefined>;
  private nextId = 0;
  private closed = false;
  /** Set when a thread could not start: decoding stays on the event loop from then on. */
  private unavailable = false;

  private constructor(
    private readonly size: number,
    private readonly logger: LoggerService,
    private readonly execArgv: string[] | undefined,
  ) {
    this.threads = new Array(size).fill(undefined);
  }

  /**
   * @param options.threads - decoding threads; 0 decodes on the event loop.
   * @param options.execArgv - Node options of the threads; the process's own by default (which is
   *   what loads TypeScript sources in development).
   */
  static create(options: {
    threads: number;
    logger: LoggerService;
    execArgv?: string[];
  }) {
    return new OtlpDecoderPool(
      options.threads,
      options.logger,
      options.execArgv,
    );
  }

  async decode(input: OtlpExport): Promise<DecodedExport> {
    if (this.size === 0 || this.closed || this.unavailable) {
      return decodeExport(input);
    }
    const id = this.nextId++;
    const thread = this.thread(id % this.size);
    return new Promise<DecodedExport>((resolve, reject) => {
      thread.pending.set(id, { input, resolve, reject });
      thread.worker.postMessage({ id, input });
    });
  }

  /** Stops the threads; exports still in flight are decoded on the event loop. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(
      this.threads.map(async (thread, index) => {
        if (thread) {
          this.threads[index] = undefined;
          await thread.worker.terminate();
          this.decodeHere(thread);
        }
      }),
    );
  }

  /** Answers a thread's exports in flight by decoding them on the event loop. */
  private decodeHere(thread: Thread) {
    for (const pending of thread.pending.values()) {
      try {
        pending.resolve(decodeExport(pending.input));
      } catch (error) {
        pending.reject(error as Error);
      }
    }
    thread.pending.clear();
  }

  /** The thread at `index`, started when first needed or after the previous one died. */
  private thread(index: number): Thread {
    const existing = this.threads[index];
    if (existing) {
      return existing;
    }
    const worker = new Worker(DECODE_EXPORT_MODULE, {
      workerData: DECODING_THREAD,
      ...(this.execArgv ? { execArgv: this.execArgv } : {}),
    });
    // The threads never keep the backend running on their own.
    worker.unref();
    const thread: Thread = { worker, pending: new Map(), ready: false };
    worker.on(
      'message',
      (message: {
        ready?: true;
        id: number;
        result?: DecodedExport;
        failure?: DecodeFailure;
      }) => {
        if (message.ready) {
          // The module is loaded and listening (exports sent before are already queued to it).
          thread.ready = true;
          return;
        }
        const pending = thread.pending.get(message.id);
        thread.pending.delete(message.id);
        if (message.failure) {
          pending?.reject(errorOf(message.failure));
        } else {
          pending?.resolve(message.result!);
        }
      },
    );
    const replace = (error: Error) => {
      if (this.threads[index] !== thread) {
        // Already replaced ('error' is followed by 'exit'), or closed.
        return;
      }
      this.threads[index] = undefined;
      if (!thread.ready && !this.closed) {
        // The thread could not even start (e.g. its module cannot be loaded here): decode on the
        // event loop from now on, including what was sent to it.
        if (!this.unavailable) {
          this.unavailable = true;
          this.logger.error(
            `OTLP decoding threads cannot start, decoding on the event loop: ${error}`,
          );
        }
        this.decodeHere(thread);
        return;
      }
      this.logger.warn(`OTLP decoding thread stopped, replacing it: ${error}`);
      for (const pending of thread.pending.values()) {
        pending.reject(
          new ServiceUnavailableError(
            'The OTLP decoding thread stopped; send the export again',
          ),
        );
      }
      thread.pending.clear();
    };
    worker.on('error', error => replace(error as Error));
    worker.on('exit', code =>
      replace(new Error(`OTLP decoding thread exited with code ${code}`)),
    );
    this.threads[index] = thread;
    return thread;
  }
}
