import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { nodeHttpFetch } from './nodeHttpFetch';

describe('nodeHttpFetch', () => {
  let server: Server;
  let baseUrl: string;
  let received: {
    method?: string;
    url?: string;
    headers: IncomingMessage['headers'];
    body: string;
  }[];
  let answer: (request: IncomingMessage) => {
    status: number;
    headers?: Record<string, string>;
    body: string;
  };

  beforeAll(async () => {
    server = createServer((request, response) => {
      let body = '';
      request.setEncoding('utf8');
      request.on('data', chunk => {
        body += chunk;
      });
      request.on('end', () => {
        received.push({
          method: request.method,
          url: request.url,
          headers: request.headers,
          body,
        });
        const { status, headers, body: text } = answer(request);
        response.writeHead(status, headers);
        response.end(text);
      });
    });
    await new Promise<void>(resolve =>
      server.listen(0, '127.0.0.1', () => resolve()),
    );
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>(resolve => server.close(() => resolve())));
  beforeEach(() => {
    received = [];
  });

  it('posts the body with its headers and reads a JSON answer', async () => {
    answer = () => ({
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: '{"accepted":2,"rejected":[]}',
    });
    const body = '{"a":"é"}\n{"b":2}\n';
    const response = await nodeHttpFetch(`${baseUrl}/import?source=x`, {
      method: 'POST',
      headers: {
        Authorization: 'Bearer t',
        'Content-Type': 'application/x-ndjson',
      },
      body,
    });
    expect(response.ok).toBe(true);
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Type')).toBe('application/json');
    expect(response.headers.get('x-missing')).toBeNull();
    await expect(response.json()).resolves.toEqual({
      accepted: 2,
      rejected: [],
    });
    expect(received).toEqual([
      {
        method: 'POST',
        url: '/import?source=x',
        headers: expect.objectContaining({
          authorization: 'Bearer t',
          'content-type': 'application/x-ndjson',
          'content-length': String(Buffer.byteLength(body)),
        }),
        body,
      },
    ]);
  });

  it('returns other statuses with their text and headers', async () => {
    answer = () => ({
      status: 429,
      headers: { 'retry-after': '3' },
      body: 'slow down',
    });
    const response = await nodeHttpFetch(baseUrl, {
      method: 'POST',
      headers: {},
      body: '',
    });
    expect(response.ok).toBe(false);
    expect(response.status).toBe(429);
    expect(response.statusText).toBe('Too Many Requests');
    expect(response.headers.get('Retry-After')).toBe('3');
    await expect(response.text()).resolves.toBe('slow down');
  });

  it('rejects with the network error', async () => {
    const closed = createServer();
    await new Promise<void>(resolve =>
      closed.listen(0, '127.0.0.1', () => resolve()),
    );
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>(resolve => closed.close(() => resolve()));
    await expect(
      nodeHttpFetch(`http://127.0.0.1:${port}/`, {
        method: 'POST',
        headers: {},
        body: 'x',
      }),
    ).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});
