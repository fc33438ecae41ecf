import { gunzipSync } from 'node:zlib';
import { decodeExportLogsServiceRequest } from './decodeExportLogsServiceRequest';
import { OtlpDecodeError, OtlpPayloadTooLargeError } from './errors';
import { generatedProtos, toObjectOptions } from './generatedProtos';
import { OtlpLogsRequest, OtlpMetricsRequest } from './types';

/**
 * The OTLP signals this receiver accepts.
 *
 * @public
 */
export type OtlpSignal = 'metrics' | 'logs';

/**
 * Options of {@link decodeOtlpRequest}.
 *
 * @public
 */
export type DecodeOtlpRequestOptions = {
  /** Largest accepted body, checked both as received and after gunzip. */
  maxBytes: number;
};

const mediaTypeFormats = new Map<string, 'json' | 'protobuf'>([
  ['application/json', 'json'],
  ['application/x-protobuf', 'protobuf'],
  ['application/protobuf', 'protobuf'],
]);

const resourceKeys = {
  metrics: 'resourceMetrics',
  logs: 'resourceLogs',
} as const;

/**
 * Decodes the body of an OTLP/HTTP export request (`/v1/metrics` or `/v1/logs`) into its OTLP/JSON
 * form. Accepts `application/json` and `application/x-protobuf` (or `application/protobuf`),
 * optionally gzip-compressed. Throws {@link OtlpPayloadTooLargeError} for a body over `maxBytes`
 * and {@link OtlpDecodeError} for anything else it cannot read.
 *
 * @public
 */
export function decodeOtlpRequest(
  signal: 'metrics',
  body: Buffer,
  contentType: string | undefined,
  contentEncoding: string | undefined,
  options: DecodeOtlpRequestOptions,
): OtlpMetricsRequest;
/** @public */
export function decodeOtlpRequest(
  signal: 'logs',
  body: Buffer,
  contentType: string | undefined,
  contentEncoding: string | undefined,
  options: DecodeOtlpRequestOptions,
): OtlpLogsRequest;
export function decodeOtlpRequest(
  signal: OtlpSignal,
  body: Buffer,
  contentType: string | undefined,
  contentEncoding: string | undefined,
  options: DecodeOtlpRequestOptions,
): OtlpMetricsRequest | OtlpLogsRequest {
  const mediaType = contentType
    ?.split(';')[0]
    .trim()
    .toLocaleLowerCase('en-US');
  const format = mediaTypeFormats.get(mediaType ?? '');
  if (!format) {
    throw new OtlpDecodeError(
      `Unsupported content type ${
        mediaType ? `'${mediaType}'` : '(none)'
      }; OTLP/HTTP requires application/json or application/x-protobuf`,
      415,
    );
  }
  const bytes = decompress(body, contentEncoding, options.maxBytes);
  return format === 'json'
    ? decodeJson(signal, bytes)
    : decodeProtobuf(signal, bytes);
}

function decompress(
  body: Buffer,
  contentEncoding: string | undefined,
  maxBytes: number,
): Buffer {
  if (body.length > maxBytes) {
    throw new OtlpPayloadTooLargeError(maxBytes, 'compressed');
  }
  const encoding = contentEncoding?.trim().toLocaleLowerCase('en-US') ?? '';
  if (encoding === '' || encoding === 'identity') {
    return body;
  }
  if (encoding !== 'gzip' && encoding !== 'x-gzip') {
    throw new OtlpDecodeError(
      `Unsupported content encoding '${encoding}'; use gzip or none`,
      415,
    );
  }
  try {
    // maxOutputLength makes zlib stop at the limit, so a gzip bomb is never inflated in full.
    return gunzipSync(body, { maxOutputLength: maxBytes });
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new OtlpPayloadTooLargeError(maxBytes, 'decompressed');
    }
    throw new OtlpDecodeError('Malformed gzip body', 400, error);
  }
}

function decodeJson(
  signal: OtlpSignal,
  bytes: Buffer,
): OtlpMetricsRequest | OtlpLogsRequest {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw new OtlpDecodeError('Malformed JSON body', 400, error);
  }
  const key = resourceKeys[signal];
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new OtlpDecodeError(
      `Expected an OTLP ${signal} export object with '${key}'`,
    );
  }
  const list = (parsed as Record<string, unknown>)[key];
  if (list === undefined) {
    // Every OTLP field is optional, so `{}` is an empty export; anything else without the key is
    // not this signal (e.g. logs posted to the metrics endpoint).
    if (Object.keys(parsed).length > 0) {
      throw new OtlpDecodeError(
        `Expected an OTLP ${signal} export object with '${key}'`,
      );
    }
    return { [key]: [] } as unknown as OtlpMetricsRequest | OtlpLogsRequest;
  }
  if (!Array.isArray(list)) {
    throw new OtlpDecodeError(`Expected '${key}' to be an array`);
  }
  return parsed as OtlpMetricsRequest | OtlpLogsRequest;
}

function decodeProtobuf(
  signal: OtlpSignal,
  bytes: Buffer,
): OtlpMetricsRequest | OtlpLogsRequest {
  try {
    if (signal === 'logs') {
      return decodeExportLogsServiceRequest(bytes);
    }
    const type = generatedProtos.ExportMetricsServiceRequest;
    const request = type.toObject(type.decode(bytes), toObjectOptions);
    return { resourceMetrics: [], ...request } as OtlpMetricsRequest;
  } catch (error) {
    throw new OtlpDecodeError(
      `Malformed protobuf ${signal} export`,
      400,
      error,
    );
  }
}
