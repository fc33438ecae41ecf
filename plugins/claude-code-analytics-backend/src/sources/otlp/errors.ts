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
 * The receiver already holds its bound of exports in flight: answer 503 with `Retry-After`, which
 * OTLP exporters retry after that delay, so that under overload the exports it accepts stay fast
 * instead of every export waiting longer and longer.
 *
 * @public
 */
export class OtlpBusyError extends CustomErrorBase {
  name = 'OtlpBusyError' as const;
  readonly statusCode = 503;
  /** Seconds after which the exporter should send the export again. */
  readonly retryAfterSeconds = 1;

  constructor(maxPending: number) {
    super(
      `The OTLP receiver is at its bound of ${maxPending} exports in flight; retry later`,
    );
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
