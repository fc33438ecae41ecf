import { Readable } from 'node:stream';
import { OtlpPayloadTooLargeError } from './errors';

/**
 * Reads a request body as it was sent (compressed or not), refusing it as soon as it passes
 * `maxBytes`. Body parsers refuse compressed bodies they may not inflate; the receiver inflates them
 * itself under the same limit.
 */
export async function readRequestBody(
  request: Readable,
  maxBytes: number,
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += chunk.length;
    if (size > maxBytes) {
      request.resume();
      throw new OtlpPayloadTooLargeError(maxBytes, 'compressed');
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
