import { gzipSync } from 'node:zlib';
import { decodeOtlpRequest } from './decodeOtlpRequest';
import { OtlpDecodeError, OtlpPayloadTooLargeError } from './errors';
import {
  describeIfFixtures,
  readOtlpFixture,
} from './__testUtils__/otlpFixtures';

const maxBytes = 1024 * 1024;
const json = (value: unknown) => Buffer.from(JSON.stringify(value));

function decodeError(
  run: () => unknown,
): OtlpDecodeError | OtlpPayloadTooLargeError {
  try {
    run();
  } catch (error) {
    if (
      error instanceof OtlpDecodeError ||
      error instanceof OtlpPayloadTooLargeError
    ) {
      return error;
    }
    throw error;
  }
  throw new Error('expected the request to be refused');
}

/** Protobuf wire format by hand, to build messages the fixtures do not contain. */
const pb = {
  varint(value: number): Buffer {
    const bytes: number[] = [];
    let rest = value;
    while (rest >= 0x80) {
      bytes.push(rest % 0x80 | 0x80);
      rest = Math.floor(rest / 0x80);
    }
    bytes.push(rest);
    return Buffer.from(bytes);
  },
  bytes(field: number, payload: Buffer | string): Buffer {
    const data = Buffer.from(payload);
    return Buffer.concat([
      pb.varint(field * 8 + 2),
      pb.varint(data.length),
      data,
    ]);
  },
  fixed64(field: number, value: bigint): Buffer {
    const data = Buffer.alloc(8);
    data.writeBigUInt64LE(value);
    return Buffer.concat([pb.varint(field * 8 + 1), data]);
  },
};

describe('decodeOtlpRequest', () => {
  const minimalMetrics = { resourceMetrics: [{ scopeMetrics: [] }] };

  it('reads JSON whatever the media type parameters', () => {
    expect(
      decodeOtlpRequest(
        'metrics',
        json(minimalMetrics),
        'Application/JSON; charset=utf-8',
        undefined,
        {
          maxBytes,
        },
      ),
    ).toEqual(minimalMetrics);
  });

  it('reads gzip-compressed JSON', () => {
    const body = gzipSync(json(minimalMetrics));
    expect(
      decodeOtlpRequest('metrics', body, 'application/json', 'gzip', {
        maxBytes,
      }),
    ).toEqual(minimalMetrics);
  });

  it('treats an empty JSON object as an empty export', () => {
    expect(
      decodeOtlpRequest('logs', json({}), 'application/json', undefined, {
        maxBytes,
      }),
    ).toEqual({
      resourceLogs: [],
    });
  });

  it('treats an empty protobuf message as an empty export', () => {
    const empty = Buffer.alloc(0);
    expect(
      decodeOtlpRequest('metrics', empty, 'application/x-protobuf', undefined, {
        maxBytes,
      }),
    ).toEqual({ resourceMetrics: [] });
    expect(
      decodeOtlpRequest('logs', empty, 'application/x-protobuf', undefined, {
        maxBytes,
      }),
    ).toEqual({ resourceLogs: [] });
  });

  it.each([
    ['text/plain', 'text/plain'],
    ['application/grpc', 'application/grpc'],
    [undefined, '(none)'],
  ])('refuses content type %s with 415', (contentType, shown) => {
    const error = decodeError(() =>
      decodeOtlpRequest(
        'metrics',
        json(minimalMetrics),
        contentType,
        undefined,
        { maxBytes },
      ),
    );
    expect(error).toBeInstanceOf(OtlpDecodeError);
    expect(error.statusCode).toBe(415);
    expect(error.message).toContain(shown);
  });

  it('refuses an unsupported content encoding with 415', () => {
    const error = decodeError(() =>
      decodeOtlpRequest(
        'metrics',
        json(minimalMetrics),
        'application/json',
        'br',
        { maxBytes },
      ),
    );
    expect(error).toBeInstanceOf(OtlpDecodeError);
    expect(error.statusCode).toBe(415);
  });

  it.each([
    ['malformed JSON', Buffer.from('{"resourceMetrics": ['), /Malformed JSON/],
    ['a JSON array', json([]), /Expected an OTLP metrics export/],
    [
      'a JSON string',
      json('resourceMetrics'),
      /Expected an OTLP metrics export/,
    ],
    [
      'logs sent as metrics',
      json({ resourceLogs: [] }),
      /with 'resourceMetrics'/,
    ],
    [
      'resourceMetrics not an array',
      json({ resourceMetrics: {} }),
      /to be an array/,
    ],
  ])('refuses %s with 400', (_, body, message) => {
    const error = decodeError(() =>
      decodeOtlpRequest('metrics', body, 'application/json', undefined, {
        maxBytes,
      }),
    );
    expect(error).toBeInstanceOf(OtlpDecodeError);
    expect(error.statusCode).toBe(400);
    expect(error.message).toMatch(message);
  });

  it('refuses a corrupt gzip body with 400', () => {
    const body = gzipSync(json(minimalMetrics)).subarray(0, 12);
    const error = decodeError(() =>
      decodeOtlpRequest('metrics', body, 'application/json', 'gzip', {
        maxBytes,
      }),
    );
    expect(error).toBeInstanceOf(OtlpDecodeError);
    expect(error.message).toMatch(/Malformed gzip/);
  });

  it('refuses a body over maxBytes as received', () => {
    const body = Buffer.alloc(2048, ' ');
    const error = decodeError(() =>
      decodeOtlpRequest('metrics', body, 'application/json', undefined, {
        maxBytes: 1024,
      }),
    );
    expect(error).toBeInstanceOf(OtlpPayloadTooLargeError);
    expect(error.statusCode).toBe(413);
    expect(error.message).toMatch(/\(compressed\)/);
  });

  it('refuses a compressed body over maxBytes', () => {
    const body = gzipSync(
      Buffer.from(Array.from({ length: 4000 }, (_, i) => i * 7919).join()),
    );
    expect(body.length).toBeGreaterThan(1024);
    const error = decodeError(() =>
      decodeOtlpRequest('metrics', body, 'application/json', 'gzip', {
        maxBytes: 1024,
      }),
    );
    expect(error).toBeInstanceOf(OtlpPayloadTooLargeError);
    expect(error.message).toMatch(/\(compressed\)/);
  });

  it('refuses a small gzip body that inflates over maxBytes (gzip bomb)', () => {
    const inflated = Buffer.concat([
      Buffer.from('{"resourceMetrics":[],"padding":"'),
      Buffer.alloc(8 * maxBytes, 'a'),
      Buffer.from('"}'),
    ]);
    const body = gzipSync(inflated);
    expect(body.length).toBeLessThan(maxBytes);
    const error = decodeError(() =>
      decodeOtlpRequest('metrics', body, 'application/json', 'gzip', {
        maxBytes,
      }),
    );
    expect(error).toBeInstanceOf(OtlpPayloadTooLargeError);
    expect(error.message).toMatch(/\(decompressed\)/);
  });

  it('decodes a protobuf log record: exact nanosecond times, hex trace ids, typed attributes', () => {
    const keyValue = (key: string, anyValue: Buffer) =>
      pb.bytes(6, Buffer.concat([pb.bytes(1, key), pb.bytes(2, anyValue)]));
    const logRecord = Buffer.concat([
      pb.fixed64(1, 1795609417533000123n),
      pb.bytes(5, pb.bytes(1, 'claude_code.api_request')),
      keyValue('event.name', pb.bytes(1, 'api_request')),
      keyValue(
        'input_tokens',
        Buffer.concat([pb.varint(3 * 8), pb.varint(1200)]),
      ),
      pb.bytes(9, Buffer.from('0102030405060708090a0b0c0d0e0f10', 'hex')),
      pb.bytes(10, Buffer.from('a1a2a3a4a5a6a7a8', 'hex')),
      pb.bytes(99, 'an unknown field is skipped'),
    ]);
    const request = pb.bytes(
      1,
      Buffer.concat([
        pb.bytes(1, pb.bytes(1, pb.bytes(1, 'service.name'))),
        pb.bytes(
          2,
          Buffer.concat([
            pb.bytes(1, pb.bytes(1, 'com.anthropic.claude_code.events')),
            pb.bytes(2, logRecord),
          ]),
        ),
      ]),
    );
    const decoded = decodeOtlpRequest(
      'logs',
      request,
      'application/protobuf',
      undefined,
      { maxBytes },
    );
    const record = decoded.resourceLogs[0].scopeLogs?.[0].logRecords?.[0];
    expect(decoded.resourceLogs[0].scopeLogs?.[0].scope).toEqual({
      name: 'com.anthropic.claude_code.events',
    });
    expect(record).toEqual({
      timeUnixNano: '1795609417533000123',
      body: { stringValue: 'claude_code.api_request' },
      attributes: [
        { key: 'event.name', value: { stringValue: 'api_request' } },
        { key: 'input_tokens', value: { intValue: '1200' } },
      ],
      traceId: '0102030405060708090a0b0c0d0e0f10',
      spanId: 'a1a2a3a4a5a6a7a8',
    });
  });
});

describeIfFixtures('decodeOtlpRequest on captured Claude Code exports', () => {
  it('reads the JSON captures as they are', () => {
    const body = readOtlpFixture('ada.metrics.json');
    expect(
      decodeOtlpRequest('metrics', body, 'application/json', undefined, {
        maxBytes,
      }),
    ).toEqual(JSON.parse(body.toString()));
  });

  it('decodes the protobuf metrics capture into the OTLP/JSON form', () => {
    const request = decodeOtlpRequest(
      'metrics',
      readOtlpFixture('grace.metrics.pb'),
      'application/x-protobuf',
      undefined,
      { maxBytes },
    );
    const [resourceMetrics] = request.resourceMetrics;
    expect(resourceMetrics.resource?.attributes).toContainEqual({
      key: 'user.email',
      value: { stringValue: 'grace@example.com' },
    });
    const [scopeMetrics] = resourceMetrics.scopeMetrics ?? [];
    expect(scopeMetrics.scope?.name).toBe('com.anthropic.claude_code');
    const sessionCount = scopeMetrics.metrics?.find(
      m => m.name === 'claude_code.session.count',
    );
    expect(sessionCount?.sum).toMatchObject({
      aggregationTemporality: 1,
      isMonotonic: true,
    });
    expect(sessionCount?.sum?.dataPoints?.[0]).toMatchObject({
      timeUnixNano: '1795609418458000000',
      asDouble: 1,
    });
  });

  it('decodes the protobuf logs capture into the OTLP/JSON form', () => {
    const request = decodeOtlpRequest(
      'logs',
      readOtlpFixture('grace.logs.pb'),
      'application/x-protobuf',
      undefined,
      { maxBytes },
    );
    const [resourceLogs] = request.resourceLogs;
    expect(resourceLogs.resource?.attributes).toContainEqual({
      key: 'repo',
      value: { stringValue: 'acme/web' },
    });
    const [scopeLogs] = resourceLogs.scopeLogs ?? [];
    expect(scopeLogs.scope?.name).toBe('com.anthropic.claude_code.events');
    const apiRequest = scopeLogs.logRecords?.find(
      r => r.body?.stringValue === 'claude_code.api_request',
    );
    expect(apiRequest?.timeUnixNano).toMatch(/^1795609\d{12}$/);
    expect(apiRequest?.attributes).toContainEqual({
      key: 'input_tokens',
      value: { intValue: '1200' },
    });
    expect(apiRequest?.attributes).toContainEqual({
      key: 'cost_usd',
      value: { doubleValue: 0.00814 },
    });
  });

  it.each(['grace.metrics.pb', 'grace.logs.pb'])(
    'reads %s gzip-compressed',
    file => {
      const signal = file.includes('metrics') ? 'metrics' : 'logs';
      const plain = readOtlpFixture(file);
      const decode = (body: Buffer, encoding?: string) =>
        decodeOtlpRequest(
          signal as 'metrics',
          body,
          'application/x-protobuf',
          encoding,
          { maxBytes },
        );
      expect(decode(gzipSync(plain), 'gzip')).toEqual(decode(plain));
    },
  );

  it.each(['grace.metrics.pb', 'grace.logs.pb'])(
    'refuses %s truncated with 400',
    file => {
      const signal = file.includes('metrics') ? 'metrics' : 'logs';
      const body = readOtlpFixture(file);
      const truncated = body.subarray(0, Math.floor(body.length / 2));
      const error = decodeError(() =>
        decodeOtlpRequest(
          signal as 'metrics',
          truncated,
          'application/x-protobuf',
          undefined,
          {
            maxBytes,
          },
        ),
      );
      expect(error).toBeInstanceOf(OtlpDecodeError);
      expect(error.statusCode).toBe(400);
      expect(error.message).toContain(`Malformed protobuf ${signal} export`);
    },
  );
});
