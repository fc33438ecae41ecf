import { createHash } from 'node:crypto';
import http from 'node:http';
import { AddressInfo } from 'node:net';

/**
 * A proxy in front of the backend's OTLP route that passes every export on, but answers the first
 * arrival of each distinct body `503` with `Retry-After: 1` whatever the backend said: as a load
 * balancer would after the backend had stored the export. An exporter that retries then sends each
 * export twice, and the backend receives both.
 */
export async function startRefusingProxy(target: string): Promise<{
  url: string;
  /** How often each distinct body arrived, by its SHA-256, and the status the backend gave it. */
  arrivals: Map<string, { path: string; statuses: number[] }>;
  close(): Promise<void>;
}> {
  const arrivals = new Map<string, { path: string; statuses: number[] }>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', chunk => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const hash = createHash('sha256').update(body).digest('hex');
      const seen = arrivals.get(hash) ?? { path: req.url ?? '', statuses: [] };
      arrivals.set(hash, seen);
      const forwarded = http.request(
        new URL(req.url ?? '/', target),
        {
          method: req.method,
          headers: { ...req.headers, host: new URL(target).host },
        },
        backend => {
          const answer: Buffer[] = [];
          backend.on('data', chunk => answer.push(chunk));
          backend.on('end', () => {
            seen.statuses.push(backend.statusCode ?? 0);
            if (seen.statuses.length === 1) {
              res.writeHead(503, { 'retry-after': '1' });
              res.end();
              return;
            }
            res.writeHead(backend.statusCode ?? 502, backend.headers);
            res.end(Buffer.concat(answer));
          });
        },
      );
      forwarded.on('error', error => {
        seen.statuses.push(0);
        res.writeHead(502);
        res.end(String(error));
      });
      forwarded.end(body);
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    arrivals,
    close: () =>
      new Promise(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
