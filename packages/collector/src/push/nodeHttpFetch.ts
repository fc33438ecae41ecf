import type { IncomingMessage, request as httpRequest } from 'node:http';

/**
 * The part of a `fetch` response that the import client reads.
 *
 * @public
 */
export type ImportResponse = {
  ok: boolean;
  status: number;
  statusText: string;
  headers: { get(name: string): string | null };
  json(): Promise<unknown>;
  text(): Promise<string>;
};

/**
 * The part of `fetch` that the import client uses; `fetch` itself is one.
 *
 * @public
 */
export type ImportFetch = (
  url: string,
  init: { method: string; headers: Record<string, string>; body: string },
) => Promise<ImportResponse>;

/** Like undici's default headers and body timeouts. */
const TIMEOUT_MS = 300_000;

/**
 * An {@link ImportFetch} on `node:http` and `node:https`. Node's `fetch` loads and sets up the
 * whole undici HTTP stack on its first call, about 100 ms of CPU: more than everything else an
 * incremental push does. Each request uses a connection of its own (batches are few and large)
 * and a network error rejects with the error of `node:net` (its `code`, e.g. `ECONNREFUSED`).
 * Redirects are not followed: a 3xx is returned like any other status.
 *
 * @public
 */
export const nodeHttpFetch: ImportFetch = async (url, init) => {
  const target = new URL(url);
  // Loaded on first use: most runs send nothing.
  const { request }: { request: typeof httpRequest } =
    target.protocol === 'https:' ? require('node:https') : require('node:http');
  const body = Buffer.from(init.body, 'utf8');
  const response = await new Promise<IncomingMessage>((resolve, reject) => {
    const outgoing = request(
      target,
      {
        method: init.method,
        headers: { ...init.headers, 'Content-Length': String(body.length) },
        agent: false,
        timeout: TIMEOUT_MS,
      },
      resolve,
    );
    outgoing.on('timeout', () =>
      outgoing.destroy(
        Object.assign(new Error(`No answer from ${target.host}`), {
          code: 'ETIMEDOUT',
        }),
      ),
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
  const chunks: Buffer[] = [];
  const text = new Promise<string>((resolve, reject) => {
    response.on('data', (chunk: Buffer) => chunks.push(chunk));
    response.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    response.on('error', reject);
  });
  // Read at once, so that an unread body never holds the connection.
  text.catch(() => {});
  const status = response.statusCode ?? 0;
  return {
    ok: status >= 200 && status < 300,
    status,
    statusText: response.statusMessage ?? '',
    headers: {
      get: name => {
        const value = response.headers[name.toLowerCase()];
        if (value === undefined) {
          return null;
        }
        return Array.isArray(value) ? value.join(', ') : value;
      },
    },
    text: () => text,
    json: async () => JSON.parse(await text),
  };
};
