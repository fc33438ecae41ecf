import { generatedProtos, toObjectOptions } from './generatedProtos';
import {
  OtlpAnyValue,
  OtlpKeyValue,
  OtlpLogRecord,
  OtlpLogsRequest,
} from './types';

/**
 * Reads the protobuf wire format. @opentelemetry/otlp-transformer 0.217.0 encodes logs with a
 * hand-written writer and its generated root holds no logs messages, so the four logs-specific
 * messages are walked here; everything they embed (Resource, InstrumentationScope, KeyValue,
 * AnyValue) is decoded by the generated definitions.
 */
class WireReader {
  private pos: number;
  private readonly view: DataView;

  constructor(private readonly bytes: Uint8Array) {
    this.pos = 0;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  atEnd(): boolean {
    return this.pos >= this.bytes.length;
  }

  varint(): number {
    let result = 0;
    let multiplier = 1;
    for (let i = 0; i < 10; i++) {
      const byte = this.take(1)[0];
      result += (byte & 0x7f) * multiplier;
      if (byte < 0x80) {
        return result;
      }
      multiplier *= 128;
    }
    throw new Error(`varint longer than 10 bytes at offset ${this.pos}`);
  }

  tag(): { field: number; wireType: number } {
    const tag = this.varint();
    return { field: Math.floor(tag / 8), wireType: tag % 8 };
  }

  /** fixed64 as a decimal string, exact beyond 2^53 (nanosecond timestamps need it). */
  fixed64(): string {
    const start = this.pos;
    this.take(8);
    return this.view.getBigUint64(start, true).toString();
  }

  fixed32(): number {
    const start = this.pos;
    this.take(4);
    return this.view.getUint32(start, true);
  }

  lengthDelimited(): Uint8Array {
    return this.take(this.varint());
  }

  skip(wireType: number): void {
    switch (wireType) {
      case 0:
        this.varint();
        return;
      case 1:
        this.take(8);
        return;
      case 2:
        this.lengthDelimited();
        return;
      case 5:
        this.take(4);
        return;
      default:
        throw new Error(
          `unsupported wire type ${wireType} at offset ${this.pos}`,
        );
    }
  }

  private take(length: number): Uint8Array {
    if (this.pos + length > this.bytes.length) {
      throw new Error(`message truncated at offset ${this.pos}`);
    }
    const slice = this.bytes.subarray(this.pos, this.pos + length);
    this.pos += length;
    return slice;
  }
}

/** Reads each field of a message with its reader; unknown fields and unexpected wire types are skipped. */
function readMessage(
  bytes: Uint8Array,
  fields: Record<
    number,
    { wireType: number; read: (reader: WireReader) => void }
  >,
): void {
  const reader = new WireReader(bytes);
  while (!reader.atEnd()) {
    const { field, wireType } = reader.tag();
    const spec = fields[field];
    if (spec && spec.wireType === wireType) {
      spec.read(reader);
    } else {
      reader.skip(wireType);
    }
  }
}

const LENGTH_DELIMITED = 2;

function decodeLogRecord(bytes: Uint8Array): OtlpLogRecord {
  const record: OtlpLogRecord = {};
  const attributes: OtlpKeyValue[] = [];
  const { KeyValue, AnyValue } = generatedProtos;
  readMessage(bytes, {
    1: { wireType: 1, read: r => (record.timeUnixNano = r.fixed64()) },
    2: { wireType: 0, read: r => (record.severityNumber = r.varint()) },
    3: {
      wireType: LENGTH_DELIMITED,
      read: r => (record.severityText = utf8(r.lengthDelimited())),
    },
    5: {
      wireType: LENGTH_DELIMITED,
      read: r =>
        (record.body = toObject(AnyValue, r.lengthDelimited()) as OtlpAnyValue),
    },
    6: {
      wireType: LENGTH_DELIMITED,
      read: r =>
        attributes.push(
          toObject(KeyValue, r.lengthDelimited()) as OtlpKeyValue,
        ),
    },
    7: { wireType: 0, read: r => (record.droppedAttributesCount = r.varint()) },
    8: { wireType: 5, read: r => (record.flags = r.fixed32()) },
    9: {
      wireType: LENGTH_DELIMITED,
      read: r => (record.traceId = hex(r.lengthDelimited())),
    },
    10: {
      wireType: LENGTH_DELIMITED,
      read: r => (record.spanId = hex(r.lengthDelimited())),
    },
    11: { wireType: 1, read: r => (record.observedTimeUnixNano = r.fixed64()) },
    12: {
      wireType: LENGTH_DELIMITED,
      read: r => (record.eventName = utf8(r.lengthDelimited())),
    },
  });
  if (attributes.length > 0) {
    record.attributes = attributes;
  }
  return record;
}

type ResourceLogs = OtlpLogsRequest['resourceLogs'][number];
type ScopeLogs = NonNullable<ResourceLogs['scopeLogs']>[number];

function decodeScopeLogs(bytes: Uint8Array): ScopeLogs {
  const logRecords: OtlpLogRecord[] = [];
  const scopeLogs: ScopeLogs = { logRecords };
  readMessage(bytes, {
    1: {
      wireType: LENGTH_DELIMITED,
      read: r =>
        (scopeLogs.scope = toObject(
          generatedProtos.InstrumentationScope,
          r.lengthDelimited(),
        )),
    },
    2: {
      wireType: LENGTH_DELIMITED,
      read: r => logRecords.push(decodeLogRecord(r.lengthDelimited())),
    },
    3: {
      wireType: LENGTH_DELIMITED,
      read: r => (scopeLogs.schemaUrl = utf8(r.lengthDelimited())),
    },
  });
  return scopeLogs;
}

function decodeResourceLogs(bytes: Uint8Array): ResourceLogs {
  const scopeLogs: ScopeLogs[] = [];
  const resourceLogs: ResourceLogs = { scopeLogs };
  readMessage(bytes, {
    1: {
      wireType: LENGTH_DELIMITED,
      read: r =>
        (resourceLogs.resource = toObject(
          generatedProtos.Resource,
          r.lengthDelimited(),
        )),
    },
    2: {
      wireType: LENGTH_DELIMITED,
      read: r => scopeLogs.push(decodeScopeLogs(r.lengthDelimited())),
    },
    3: {
      wireType: LENGTH_DELIMITED,
      read: r => (resourceLogs.schemaUrl = utf8(r.lengthDelimited())),
    },
  });
  return resourceLogs;
}

/**
 * Decodes a protobuf `opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest` into its
 * OTLP/JSON form (int64 as decimal strings, trace and span ids as hex). Throws on a malformed or
 * truncated message.
 */
export function decodeExportLogsServiceRequest(
  bytes: Uint8Array,
): OtlpLogsRequest {
  const resourceLogs: OtlpLogsRequest['resourceLogs'] = [];
  readMessage(bytes, {
    1: {
      wireType: LENGTH_DELIMITED,
      read: r => resourceLogs.push(decodeResourceLogs(r.lengthDelimited())),
    },
  });
  return { resourceLogs };
}

function toObject(
  type: typeof generatedProtos.KeyValue,
  bytes: Uint8Array,
): Record<string, unknown> {
  return type.toObject(type.decode(bytes), toObjectOptions);
}

const textDecoder = new TextDecoder('utf-8', { fatal: true });

function utf8(bytes: Uint8Array): string {
  return textDecoder.decode(bytes);
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}
