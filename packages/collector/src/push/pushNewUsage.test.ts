import {
  appendFileSync,
  mkdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { main } from '../main';
import { assistantLine, createTempDir } from '../testUtils/transcriptLines';

const IMPORT_URL = 'http://backstage.test/api/claude-code-analytics/v1/import';
// msw matches the path; the query labels the records as transcripts.

describe('push', () => {
  const server = setupServer();
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterEach(() => server.resetHandlers());
  afterAll(() => server.close());

  let temp: ReturnType<typeof createTempDir>;
  let transcript: string;
  let statePath: string;
  let received: { auth: string | null; type: string | null; lines: any[] }[];
  let stderr: string;
  beforeEach(() => {
    temp = createTempDir();
    const project = join(temp.path, 'claude', 'projects', '-home-dev-app');
    mkdirSync(project, { recursive: true });
    transcript = join(project, 'session-1.jsonl');
    statePath = join(temp.path, 'state.json');
    received = [];
    stderr = '';
  });
  afterEach(() => temp.cleanup());

  const lines = (from: number, to: number) =>
    Array.from({ length: to - from }, (_, i) =>
      assistantLine({
        messageId: `m${from + i}`,
        requestId: `r${from + i}`,
        input: 100,
      }),
    );

  /** Answers like the backend: every line accepted unless `answer` says otherwise. */
  const accept = (answer?: (lines: any[]) => Response | undefined) =>
    server.use(
      http.post(IMPORT_URL, async ({ request }) => {
        const text = await request.text();
        const parsed = text
          .trim()
          .split('\n')
          .map(line => JSON.parse(line));
        const custom = answer?.(parsed);
        if (custom) return custom;
        received.push({
          auth: request.headers.get('authorization'),
          type: request.headers.get('content-type'),
          lines: parsed,
        });
        return HttpResponse.json({ accepted: parsed.length, rejected: [] });
      }),
    );

  const push = (...extra: string[]) =>
    main(
      [
        'push',
        '--url',
        'http://backstage.test/',
        '--claude-dir',
        join(temp.path, 'claude'),
        '--state',
        statePath,
        '--identity',
        'ada@example.com',
        '--batch-size',
        '2',
        ...extra,
      ],
      {
        env: { CLAUDE_CODE_ANALYTICS_TOKEN: 'static-token' },
        homeDir: temp.path,
        stdout: () => {},
        stderr: text => {
          stderr += text;
        },
        sleep: async () => {},
      },
    );

  it('sends new requests as NDJSON batches, then only what is new', async () => {
    writeFileSync(transcript, `${lines(0, 3).join('\n')}\n`);
    accept();
    await expect(push()).resolves.toBe(0);
    expect(received.map(r => r.lines.length)).toEqual([2, 1]);
    expect(received[0].auth).toBe('Bearer static-token');
    expect(received[0].type).toBe('application/x-ndjson');
    expect(received[0].lines[0]).toEqual({
      type: 'request',
      sessionId: 'session-1',
      requestId: 'r0',
      messageId: 'm0',
      timestamp: '2026-11-20T10:00:00.000Z',
      identity: 'ada@example.com',
      model: 'claude-sonnet-4-5-20250929',
      provider: 'firstParty',
      tokens: {
        input: 100,
        output: 5,
        cacheRead: 0,
        cacheCreation: 0,
        cacheCreation1h: 0,
      },
    });
    // Nothing of the conversation leaves the machine.
    expect(JSON.stringify(received)).not.toContain('secret prompt text');

    received = [];
    appendFileSync(transcript, `${lines(3, 4).join('\n')}\n`);
    await expect(push('--provider', 'bedrock')).resolves.toBe(0);
    expect(
      received.flatMap(r => r.lines.map(l => [l.messageId, l.provider])),
    ).toEqual([['m3', 'bedrock']]);
  });

  it('leaves the state file alone when nothing changed, and records files without requests', async () => {
    writeFileSync(transcript, `${lines(0, 1).join('\n')}\n`);
    accept();
    await expect(push()).resolves.toBe(0);
    const { mtimeMs } = statSync(statePath);

    await expect(push()).resolves.toBe(0);
    expect(statSync(statePath).mtimeMs).toBe(mtimeMs);

    // A line without usage moves the file's offset although nothing is sent.
    appendFileSync(transcript, '{"type":"user","message":{"content":"hi"}}\n');
    await expect(push()).resolves.toBe(0);
    expect(received).toHaveLength(1);
    expect(
      JSON.parse(readFileSync(statePath, 'utf8')).files[transcript].offset,
    ).toBe(statSync(transcript).size);
  });

  it('retries 429, 5xx and network errors', async () => {
    writeFileSync(transcript, `${lines(0, 1).join('\n')}\n`);
    let calls = 0;
    accept(() => {
      calls += 1;
      if (calls === 1)
        return new HttpResponse(null, {
          status: 429,
          headers: { 'Retry-After': '1' },
        });
      if (calls === 2) return new HttpResponse('busy', { status: 503 });
      if (calls === 3) return HttpResponse.error();
      return undefined;
    });
    await expect(push()).resolves.toBe(0);
    expect(calls).toBe(4);
    expect(received).toHaveLength(1);
  });

  it('advances the state only past batches the backend accepted', async () => {
    writeFileSync(transcript, `${lines(0, 5).join('\n')}\n`);
    let batches = 0;
    accept(() => {
      batches += 1;
      // The first batch goes through, every attempt at the second one fails.
      return batches >= 2
        ? new HttpResponse('down', { status: 500 })
        : undefined;
    });
    await expect(push()).resolves.toBe(1);
    expect(stderr).toContain('Import failed after 5 attempts: 500');
    expect(received.flatMap(r => r.lines.map(l => l.messageId))).toEqual([
      'm0',
      'm1',
    ]);
    // The file is only partly sent: its offset stays, the sent keys keep m0 and m1 from coming back.
    expect(JSON.parse(readFileSync(statePath, 'utf8')).files).toEqual({});

    received = [];
    accept();
    await expect(push()).resolves.toBe(0);
    expect(received.flatMap(r => r.lines.map(l => l.messageId))).toEqual([
      'm2',
      'm3',
      'm4',
    ]);
    expect(
      Object.keys(JSON.parse(readFileSync(statePath, 'utf8')).files),
    ).toEqual([transcript]);
  });

  it('fails at once on a permanent error such as a bad token', async () => {
    writeFileSync(transcript, `${lines(0, 1).join('\n')}\n`);
    let calls = 0;
    accept(() => {
      calls += 1;
      return new HttpResponse('no', {
        status: 401,
        statusText: 'Unauthorized',
      });
    });
    await expect(push()).resolves.toBe(1);
    expect(calls).toBe(1);
    expect(stderr).toContain('Import failed: 401 Unauthorized');
  });

  it('reports the lines the backend rejected and does not send them again', async () => {
    writeFileSync(transcript, `${lines(0, 2).join('\n')}\n`);
    accept(parsed =>
      HttpResponse.json({
        accepted: parsed.length - 1,
        rejected: [{ line: 2, reason: 'unknown model' }],
      }),
    );
    await expect(push()).resolves.toBe(0);
    expect(stderr).toContain(
      'Rejected session session-1 request r1: unknown model',
    );

    received = [];
    accept();
    await expect(push()).resolves.toBe(0);
    expect(received).toEqual([]);
  });

  it('needs a URL and a token', async () => {
    await expect(
      main(['push', '--state', statePath], {
        env: {},
        homeDir: temp.path,
        stdout: () => {},
        stderr: text => {
          stderr += text;
        },
      }),
    ).resolves.toBe(1);
    expect(stderr).toContain('push needs --url');
  });
});
