import { LoggerService } from '@backstage/backend-plugin-api';
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
  online: boolean;
};

/**
 * Decodes OTLP exports (JSON or protobuf parsing, reading Claude Code's events and metrics) in
 * worker threads, so that the event loop only stores the rows: parsing is most of an export's CPU
 * time besides the database. With no threads, exports are decoded on the event loop. A thread
 * that dies fails its exports in flight (the exporters retry them) and is replaced.
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

  /** Stops the threads; exports still in flight fail. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(
      this.threads.map(async (thread, index) => {
        if (thread) {
          this.threads[index] = undefined;
          this.fail(thread, new Error('OTLP decoding threads stopped'));
          await thread.worker.terminate();
        }
      }),
    );
  }

  private fail(thread: Thread, error: Error) {
    for (const pending of thread.pending.values()) {
      pending.reject(error);
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
    const thread: Thread = { worker, pending: new Map(), online: false };
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
          thread.online = true;
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
      if (this.threads[index] === thread) {
        this.threads[index] = undefined;
      }
      if (!thread.online && !this.closed) {
        // The thread could not even start (e.g. its module cannot be loaded here): decode on the
        // event loop, including what was sent to it.
        this.unavailable = true;
        this.logger.error(
          `OTLP decoding threads cannot start, decoding on the event loop: ${error}`,
        );
        for (const pending of thread.pending.values()) {
          try {
            pending.resolve(decodeExport(pending.input));
          } catch (decodeError) {
            pending.reject(decodeError as Error);
          }
        }
        thread.pending.clear();
        return;
      }
      this.fail(thread, error);
    };
    worker.on('error', error => {
      if (thread.online) {
        this.logger.error(`OTLP decoding thread failed: ${error}`);
      }
      replace(error as Error);
    });
    worker.on('exit', code => {
      if (!this.closed && thread.online) {
        this.logger.warn(`OTLP decoding thread exited with code ${code}`);
      }
      replace(new Error(`OTLP decoding thread exited with code ${code}`));
    });
    this.threads[index] = thread;
    return thread;
  }
}
