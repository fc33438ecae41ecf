import { LoggerService } from '@backstage/backend-plugin-api';
import { RequestRecord } from 'backstage-plugin-claude-code-analytics-common';
import { Knex } from 'knex';
import protobuf from 'protobufjs/minimal';
import {
  MetricPointInput,
  storeMetricPoints,
} from '../../ingestion/writeMetricPoints';
import { enqueueSessionGroups } from '../../ingestion/sessionSumQueue';
import { BatchSizer } from '../../store/BatchSizer';
import { GroupCommit } from '../../store/GroupCommit';
import { storeRequestRecords } from '../../ingestion/writeRequestRecords';
import { storeSessionEvents } from '../../ingestion/storeSessionEvents';
import { SessionGroup } from '../../ingestion/sumSessionUsage';
import { SessionEvent } from '../../ingestion/types';
import { OtlpSignal } from './decodeOtlpRequest';
import { OtlpDecoderPool } from './OtlpDecoderPool';

/** The source id of data received over OTLP. */
export const OTLP_SOURCE = 'otlp';

/** What one export brings to the store. */
type OtlpBatch = {
  points: MetricPointInput[];
  records: RequestRecord[];
  events: SessionEvent[];
};

/** An OTLP/HTTP response: the body in the encoding of the request. */
export type OtlpResponse = { contentType: string; body: Buffer | string };

/**
 * Encodes an Export{Metrics,Logs}ServiceResponse. Both have one field, partial_success (1), whose
 * message holds the rejected count (1, int64) and an error message (2); an empty message means
 * complete success.
 */
function encodeProtobufResponse(rejected: number, message: string): Buffer {
  if (rejected === 0) {
    return Buffer.alloc(0);
  }
  const writer = protobuf.Writer.create();
  writer.uint32((1 << 3) | 2).fork();
  writer.uint32((1 << 3) | 0).int64(rejected);
  writer.uint32((2 << 3) | 2).string(message);
  writer.ldelim();
  return Buffer.from(writer.finish());
}

/** How often turning exports away is logged at most (see admit). */
const WARN_INTERVAL_MS = 60_000;

/**
 * Receives Claude Code's OTLP/HTTP exports. Metric points become session activity; `api_request`
 * events become request records merged with transcripts; `user_prompt`, `api_error` and
 * `tool_result` events become session events (prompts, failed API attempts, tool runs). Prompt,
 * response, tool and error contents are never read into anything that is stored.
 */
export class OtlpReceiver {
  private readonly commits: GroupCommit<OtlpBatch>;
  private readonly sizer: BatchSizer;
  /** Exports admitted and not answered yet. */
  private pending = 0;
  /** Exports turned away since the last warning, and when that was. */
  private turnedAway = 0;
  private warnedAt = -Infinity;
  /** Logs the exports turned away since the last warning, a minute after it. */
  private warnTimer: NodeJS.Timeout | undefined;

  private constructor(
    private readonly knex: Knex,
    private readonly logger: LoggerService,
    private readonly maxBytes: number,
    private readonly decoder: OtlpDecoderPool,
    private readonly maxPending: number,
  ) {
    // On SQLite a write holds the event loop: writes are sized to stay short (BatchSizer), since
    // an event loop held for long stretches also accepts new connections slowly.
    this.sizer = BatchSizer.forDatabase(knex, { max: 500, min: 1 });
    this.commits = new GroupCommit(batches => this.write(batches), this.sizer);
  }

  /**
   * Writes the data of several exports at once, in one transaction: a few statements per batch
   * instead of per export, which is what lets one backend keep up with a fleet. The touched session
   * groups are queued, not re-summed: the next rollup run (at most a second away, see the router)
   * re-sums each once, however many exports touched it.
   */
  private async write(batches: OtlpBatch[]) {
    const points = batches.flatMap(b => b.points);
    const records = batches.flatMap(b => b.records);
    const events = batches.flatMap(b => b.events);
    await this.knex.transaction(async tx => {
      // Timed inside the transaction: not the wait for SQLite's one connection.
      const started = performance.now();
      const groups: SessionGroup[] = [];
      if (points.length > 0) {
        groups.push(...(await storeMetricPoints(tx, points)).groups);
      }
      if (records.length > 0) {
        groups.push(
          ...(await storeRequestRecords(tx, OTLP_SOURCE, records)).groups,
        );
      }
      if (events.length > 0) {
        groups.push(...(await storeSessionEvents(tx, events)));
      }
      await enqueueSessionGroups(tx, groups);
      const now = new Date();
      await tx('source_status')
        .insert({
          source: OTLP_SOURCE,
          last_received_at: now,
          last_success_at: now,
          rows: batches.length,
        })
        .onConflict('source')
        .merge({
          last_received_at: now,
          last_success_at: now,
          rows: tx.raw('?? + ?', ['source_status.rows', batches.length]),
        });
      this.sizer.record(batches.length, performance.now() - started);
    });
  }

  static create(options: {
    knex: Knex;
    logger: LoggerService;
    maxBytes: number;
    /** Where exports are decoded; on the event loop by default. */
    decoder?: OtlpDecoderPool;
    /** Exports in flight at most (see admit); beyond it 503. Default 500. */
    maxPending?: number;
  }) {
    return new OtlpReceiver(
      options.knex,
      options.logger,
      options.maxBytes,
      options.decoder ??
        OtlpDecoderPool.create({ threads: 0, logger: options.logger }),
      options.maxPending ?? 500,
    );
  }

  /**
   * Takes one of the slots for exports in flight, from the moment its request is authenticated
   * (its body is read within the slot) until it is answered: call the returned function then.
   * Undefined when every slot is taken: answer 503 with `busy()`'s `Retry-After`, after which
   * OTLP exporters send the export again, so that under overload the exports taken stay fast
   * instead of every export waiting longer and longer.
   *
   * Turning exports away is logged as one warning a minute at most, with how many were (the first
   * at once, then those of each minute after it while there are any): under a fleet's overload
   * thousands come each second, and each had been thrown as an error, with its stack, and logged
   * by Backstage's error handler (it logs every answer of 500 or more).
   */
  admit(): (() => void) | undefined {
    if (this.pending >= this.maxPending) {
      this.turnAway();
      return undefined;
    }
    this.pending++;
    let released = false;
    return () => {
      if (!released) {
        released = true;
        this.pending--;
      }
    };
  }

  private turnAway() {
    this.turnedAway++;
    if (!this.warnTimer) {
      this.warn();
    }
  }

  /**
   * Logs the exports turned away since the last warning, if any, and looks again a minute later
   * (a timer that does not keep the process alive): a burst is counted whole, however it ends.
   */
  private warn() {
    this.warnTimer = undefined;
    if (this.turnedAway === 0) {
      return;
    }
    const now = Date.now();
    this.logger.warn(
      `OTLP: ${this.turnedAway} export(s) answered 503 ${
        this.warnedAt === -Infinity ||
        now - this.warnedAt > 2 * WARN_INTERVAL_MS
          ? ''
          : `in the last ${Math.round((now - this.warnedAt) / 1000)} s `
      }at the bound of ${
        this.maxPending
      } exports in flight (claudeCodeAnalytics.otlp.maxPendingExports); exporters send them again after Retry-After`,
    );
    this.turnedAway = 0;
    this.warnedAt = now;
    this.warnTimer = setTimeout(() => this.warn(), WARN_INTERVAL_MS);
    this.warnTimer.unref?.();
  }

  /**
   * The answer to an export turned away (see admit). `Retry-After` is 1, 2 or 3 seconds at
   * random: with the same delay for all, the exports turned away in one burst all came back
   * together a second later, on top of that second's exports, were mostly turned away again, and
   * so on (an echo that kept a backend at its capacity behind for the rest of a benchmark run, and
   * exporters gave up on exports after their fifth retry).
   */
  busy(random: () => number = Math.random): {
    retryAfterSeconds: number;
    message: string;
  } {
    return {
      retryAfterSeconds: 1 + Math.min(2, Math.floor(random() * 3)),
      message: `The OTLP receiver is at its bound of ${this.maxPending} exports in flight; retry later`,
    };
  }

  /**
   * Decodes, validates and stores one export. Throws OtlpDecodeError (400/415) or
   * OtlpPayloadTooLargeError (413) before anything is stored.
   */
  async receive(
    signal: OtlpSignal,
    body: Buffer,
    contentType: string | undefined,
    contentEncoding: string | undefined,
  ): Promise<OtlpResponse> {
    const decoded = await this.decoder.decode({
      signal,
      body,
      contentType,
      contentEncoding,
      maxBytes: this.maxBytes,
    });
    const { points, records, events } = decoded;
    await this.commits.add({ points, records, events });
    const rejected = decoded.rejected;
    const reasons = decoded.rejectReasons;
    if (rejected > 0) {
      this.logger.warn(
        `OTLP ${signal}: rejected ${rejected} items: ${reasons.join('; ')}`,
      );
    }
    const message = reasons.join('; ');
    if (contentType?.includes('protobuf')) {
      return {
        contentType: 'application/x-protobuf',
        body: encodeProtobufResponse(rejected, message),
      };
    }
    const field =
      signal === 'metrics' ? 'rejectedDataPoints' : 'rejectedLogRecords';
    return {
      contentType: 'application/json',
      body: JSON.stringify(
        rejected > 0
          ? { partialSuccess: { [field]: rejected, errorMessage: message } }
          : {},
      ),
    };
  }
}
