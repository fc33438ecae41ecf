import { RequestRecord } from 'backstage-plugin-claude-code-analytics-common';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { MetricPointInput } from '../../ingestion/writeMetricPoints';
import { SessionEvent } from '../../ingestion/types';
import { decodeOtlpRequest, OtlpSignal } from './decodeOtlpRequest';
import { OtlpDecodeError, OtlpPayloadTooLargeError } from './errors';
import { readClaudeCodeEvents } from './readClaudeCodeEvents';
import { readClaudeCodeMetrics } from './readClaudeCodeMetrics';
import { requestRecordFromEvent } from './requestRecordFromEvent';
import { sessionEventFromEvent } from './sessionEventFromEvent';

/** One OTLP/HTTP export as it arrived. */
export type OtlpExport = {
  signal: OtlpSignal;
  body: Uint8Array;
  contentType: string | undefined;
  contentEncoding: string | undefined;
  maxBytes: number;
};

/** What one export brings to the store, and what of it was rejected. */
export type DecodedExport = {
  points: MetricPointInput[];
  records: RequestRecord[];
  events: SessionEvent[];
  rejected: number;
  rejectReasons: string[];
};

/**
 * Decodes one export into the rows it stores: metric points become session activity, `api_request`
 * events request records, `user_prompt`, `api_error` and `tool_result` events session events.
 * Throws OtlpDecodeError (400/415) or OtlpPayloadTooLargeError (413). Pure: runs on the event loop
 * or in a decoding thread (see OtlpDecoderPool).
 */
export function decodeExport(input: OtlpExport): DecodedExport {
  const body = Buffer.from(
    input.body.buffer,
    input.body.byteOffset,
    input.body.byteLength,
  );
  const options = { maxBytes: input.maxBytes };
  if (input.signal === 'metrics') {
    const result = readClaudeCodeMetrics(
      decodeOtlpRequest(
        'metrics',
        body,
        input.contentType,
        input.contentEncoding,
        options,
      ),
    );
    return {
      points: result.points,
      records: [],
      events: [],
      rejected: result.rejected,
      rejectReasons: result.rejectReasons,
    };
  }
  const result = readClaudeCodeEvents(
    decodeOtlpRequest(
      'logs',
      body,
      input.contentType,
      input.contentEncoding,
      options,
    ),
  );
  const records: RequestRecord[] = [];
  const events: SessionEvent[] = [];
  for (const event of result.events) {
    if (event.type === 'api_request') {
      const record = requestRecordFromEvent(event);
      if (record) {
        records.push(record);
      }
    } else {
      const sessionEvent = sessionEventFromEvent(event);
      if (sessionEvent) {
        events.push(sessionEvent);
      }
    }
  }
  return {
    points: [],
    records,
    events,
    rejected: result.rejected,
    rejectReasons: result.rejectReasons,
  };
}

/** A decoding failure as it crosses from a decoding thread to the event loop. */
export type DecodeFailure =
  | { kind: 'decode'; message: string; statusCode: 400 | 415 }
  | { kind: 'tooLarge'; maxBytes: number; what: 'compressed' | 'decompressed' }
  | { kind: 'other'; message: string };

export function failureOf(error: unknown): DecodeFailure {
  if (error instanceof OtlpDecodeError) {
    return {
      kind: 'decode',
      message: error.message,
      statusCode: error.statusCode,
    };
  }
  if (error instanceof OtlpPayloadTooLargeError) {
    return {
      kind: 'tooLarge',
      maxBytes: error.maxBytes,
      what: error.what,
    };
  }
  return { kind: 'other', message: String((error as Error)?.message ?? error) };
}

/** The error a failure stands for, of the class decodeExport would have thrown. */
export function errorOf(failure: DecodeFailure): Error {
  switch (failure.kind) {
    case 'decode':
      return new OtlpDecodeError(failure.message, failure.statusCode);
    case 'tooLarge':
      return new OtlpPayloadTooLargeError(failure.maxBytes, failure.what);
    default:
      return new Error(`OTLP decoding failed: ${failure.message}`);
  }
}

/** Marks the workerData of a decoding thread started by OtlpDecoderPool. */
export const DECODING_THREAD = 'claude-code-analytics-otlp-decoder';

/** This module's file: decoding threads run it. */
export const DECODE_EXPORT_MODULE = __filename;

// In a decoding thread: answer each export with its rows or its failure.
if (!isMainThread && workerData === DECODING_THREAD && parentPort) {
  const port = parentPort;
  port.on('message', (message: { id: number; input: OtlpExport }) => {
    try {
      port.postMessage({ id: message.id, result: decodeExport(message.input) });
    } catch (error) {
      port.postMessage({ id: message.id, failure: failureOf(error) });
    }
  });
  port.postMessage({ ready: true });
}
