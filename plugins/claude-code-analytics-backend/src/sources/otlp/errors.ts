import { CustomErrorBase } from '@backstage/errors';

/**
 * An OTLP request body that cannot be read. `statusCode` is the HTTP status to answer with:
 * 415 for a content type or encoding this receiver does not speak, 400 for a malformed body.
 *
 * @public
 */
export class OtlpDecodeError extends CustomErrorBase {
  name = 'OtlpDecodeError' as const;
  readonly statusCode: 400 | 415;

  constructor(message: string, statusCode: 400 | 415 = 400, cause?: unknown) {
    super(message, cause);
    this.statusCode = statusCode;
  }
}

/**
 * An OTLP request body over the size limit, compressed or decompressed; answer 413.
 *
 * @public
 */
export class OtlpPayloadTooLargeError extends CustomErrorBase {
  name = 'OtlpPayloadTooLargeError' as const;
  readonly statusCode = 413;
  readonly maxBytes: number;
  readonly what: 'compressed' | 'decompressed';

  constructor(maxBytes: number, what: 'compressed' | 'decompressed') {
    super(`OTLP request body is larger than ${maxBytes} bytes (${what})`);
    this.maxBytes = maxBytes;
    this.what = what;
  }
}
