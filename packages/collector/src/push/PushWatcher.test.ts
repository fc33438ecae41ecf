import { spawn } from 'node:child_process';
import {
  appendFileSync,
  copyFileSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { GitAttribution } from '../attribution/GitAttribution';
import { main } from '../main';
import { TranscriptReader } from '../transcripts/TranscriptReader';
import { PushWatcher } from './PushWatcher';
import { assistantLine, createTempDir } from '../testUtils/transcriptLines';

const IMPORT_URL = 'http://backstage.test/api/claude-code-analytics/v1/import';

/** Polls `check` every 10 ms until it holds. */
async function waitFor(what: string, check: () => boolean, timeoutMs = 10_000) {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) {
      throw new Error(`Timed out waiting for ${what}`);
    }
    await new Promise(done => setTimeout(done, 10));
  }
}

describe('push --watch', () => {
  const server = setupServer();
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterEach(() => server.resetHandlers());
  afterAll(() => server.close());

  let temp: ReturnType<typeof createTempDir>;
  let project: string;
  let transcript: string;
  let statePath: string;
  /** Every line the backend received, in order (resent lines appear twice). */
  let received: any[];
  /**
   * What the backend stores: one row per request key (its request id, else session and message
   * ids), the copy with the most tokens, as the backend's import does.
   */
  let stored: Map<string, { total: number; record: any }>;
  /** When set, the backend answers this instead of accepting. */
  let failWith: (() => Response) | undefined;
  let attempts: number;
  beforeEach(() => {
    temp = createTempDir();
    project = join(temp.path, 'claude', 'projects', '-home-dev-app');
    mkdirSync(project, { recursive: true });
    transcript = join(project, 'session-1.jsonl');
    statePath = join(temp.path, 'state.json');
    received = [];
    stored = new Map();
    failWith = undefined;
    attempts = 0;
    server.use(
      http.post(IMPORT_URL, async ({ request }) => {
        attempts += 1;
        if (failWith) {
          return failWith();
        }
        const lines = (await request.text())
          .trim()
          .split('\n')
          .map(line => JSON.parse(line));
        for (const record of lines) {
          received.push(record);
          const key =
            record.requestId ?? `${record.sessionId}:${record.messageId}`;
          const t = record.tokens;
          const total = t.input + t.output + t.cacheRead + t.cacheCreation;
          if (!stored.has(key) || stored.get(key)!.total < total) {
            stored.set(key, { total, record });
          }
        }
        return HttpResponse.json({ accepted: lines.length, rejected: [] });
      }),
    );
  });
  /** Watchers a failed test left running are stopped before their folder goes. */
  let running: Array<() => Promise<unknown>>;
  beforeEach(() => {
    running = [];
  });
  afterEach(async () => {
    await Promise.all(running.map(stop => stop()));
    temp.cleanup();
  });

  const line = (n: number, input = 100) =>
    `${assistantLine({ messageId: `m${n}`, requestId: `r${n}`, input })}\n`;
  const lines = (from: number, to: number) =>
    Array.from({ length: to - from }, (_, i) => line(from + i)).join('');
  const receivedIds = () => received.map(record => record.messageId);
  const storedInput = () =>
    [...stored.values()].reduce(
      (sum, { record }) => sum + record.tokens.input,
      0,
    );
  const readState = () => JSON.parse(readFileSync(statePath, 'utf8'));

  /** Starts `push --watch` in this process; `stop` plays the part of SIGINT/SIGTERM. */
  function startWatch(...extra: string[]) {
    return startWatchWith({}, ...extra);
  }

  function startWatchWith(
    { sleep = async () => {} }: { sleep?: (ms: number) => Promise<void> },
    ...extra: string[]
  ) {
    const output = { stdout: '', stderr: '' };
    let onSignal: ((signal: string) => void) | undefined;
    let subscribed = false;
    const exit = main(
      [
        'push',
        '--watch',
        '--url',
        'http://backstage.test/',
        '--token',
        'static-token',
        '--claude-dir',
        join(temp.path, 'claude'),
        '--state',
        statePath,
        '--identity',
        'ada@example.com',
        '--debounce',
        '20',
        ...extra,
      ],
      {
        env: {},
        homeDir: temp.path,
        stdout: text => {
          output.stdout += text;
        },
        stderr: text => {
          output.stderr += text;
        },
        sleep,
        onStopSignal: listener => {
          onSignal = listener;
          subscribed = true;
          return () => {
            subscribed = false;
          };
        },
      },
    );
    running.push(() => {
      if (subscribed) {
        onSignal!('SIGTERM');
      }
      return exit;
    });
    const pushLines = () => output.stdout.match(/ Sent \d+ request/g) ?? [];
    return {
      output,
      exit,
      pushLines,
      /** Resolves once the first push (catching up with the state file) is done. */
      caughtUp: () => waitFor('the first push', () => pushLines().length > 0),
      stop: (signal = 'SIGTERM') => {
        expect(subscribed).toBe(true);
        onSignal!(signal);
        return exit;
      },
    };
  }

  it('catches up, then sends appended lines and new files as they are written', async () => {
    writeFileSync(transcript, lines(0, 3));
    const watch = startWatch();
    await watch.caughtUp();
    expect(receivedIds()).toEqual(['m0', 'm1', 'm2']);

    appendFileSync(transcript, lines(3, 5));
    await waitFor('the appended lines', () => received.length === 5);
    expect(receivedIds().slice(3)).toEqual(['m3', 'm4']);
    // The state file is saved after each push (its line is printed after the save).
    await waitFor('the second push line', () => watch.pushLines().length === 2);
    expect(readState().files[transcript].offset).toBe(
      readFileSync(transcript).length,
    );

    // A line written in two parts is sent once complete.
    const next = line(5);
    appendFileSync(transcript, next.slice(0, 40));
    appendFileSync(transcript, next.slice(40));
    // A new file, in a new sub-folder (sub-agent transcripts).
    const subagents = join(project, 'session-2', 'subagents');
    mkdirSync(subagents, { recursive: true });
    writeFileSync(
      join(subagents, 'agent-1.jsonl'),
      `${assistantLine({
        sessionId: 'agent-1',
        messageId: 'm6',
        requestId: 'r6',
        input: 100,
      })}\n`,
    );
    await waitFor('the new file', () => received.length === 7);
    expect(receivedIds().slice(5).sort()).toEqual(['m5', 'm6']);
    // ... and the new folder is watched from then on.
    appendFileSync(
      join(subagents, 'agent-1.jsonl'),
      `${assistantLine({
        sessionId: 'agent-1',
        messageId: 'm7',
        requestId: 'r7',
        input: 100,
      })}\n`,
    );
    await waitFor('the line of the new file', () => received.length === 8);

    await expect(watch.stop()).resolves.toBe(0);
    // One line per push, nothing per file.
    const stdoutLines = watch.output.stdout.trim().split('\n');
    expect(stdoutLines[0]).toMatch(/ Watching \d+ transcript folder\(s\)/);
    expect(stdoutLines[1]).toMatch(
      / Sent 3 request\(s\) in 1 batch\(es\): 3 accepted, 0 rejected\.$/,
    );
    expect(
      stdoutLines.filter(l => / SIGTERM: sending what is pending/.test(l)),
    ).toHaveLength(1);
    expect(
      stdoutLines
        .slice(2)
        .every(l => / (Sent \d+ request|SIGTERM: sending)/.test(l)),
    ).toBe(true);
    expect(watch.output.stderr).toBe('');
    // The state file is up to date: a one-shot push finds nothing to send.
    expect(Object.keys(readState().files).sort()).toEqual([
      join(project, 'session-1.jsonl'),
      join(subagents, 'agent-1.jsonl'),
    ]);
    const before = received.length;
    await expect(
      main(
        [
          'push',
          '--url',
          'http://backstage.test/',
          '--token',
          't',
          '--claude-dir',
          join(temp.path, 'claude'),
          '--state',
          statePath,
          '--identity',
          'ada@example.com',
        ],
        { env: {}, homeDir: temp.path, stdout: () => {}, stderr: () => {} },
      ),
    ).resolves.toBe(0);
    expect(received).toHaveLength(before);
    expect(storedInput()).toBe(800);
  });

  it('reads a truncated or rotated file again without sending its old requests twice, and forgets deleted files', async () => {
    writeFileSync(transcript, lines(0, 3));
    const other = join(project, 'session-2.jsonl');
    writeFileSync(
      other,
      `${assistantLine({
        sessionId: 'session-2',
        messageId: 'o1',
        requestId: 'ro1',
        input: 100,
      })}\n`,
    );
    const watch = startWatch('--stats');
    await watch.caughtUp();
    expect(received).toHaveLength(4);

    // Truncated and written again: one old request and one new one.
    writeFileSync(transcript, `${line(1)}${line(3)}`);
    await waitFor('the truncated file', () => received.length === 5);
    expect(receivedIds().at(-1)).toBe('m3');

    // Rotated: renamed away (no longer a transcript), a new file (new inode) in its place.
    renameSync(transcript, `${transcript}.1`);
    writeFileSync(transcript, `${lines(0, 4)}${line(4)}`);
    await waitFor('the rotated file', () => received.length === 6);
    expect(receivedIds().at(-1)).toBe('m4');

    rmSync(other);
    await waitFor('the deleted file to be forgotten', () =>
      /stats: changes cycle .* 1 deleted/.test(watch.output.stdout),
    );
    await expect(watch.stop()).resolves.toBe(0);
    expect(Object.keys(readState().files)).toEqual([transcript]);
    expect(readState().files[transcript].offset).toBe(
      readFileSync(transcript).length,
    );
    expect(storedInput()).toBe(600);
  });

  it('survives a failing backend and sends what is missing once it answers again', async () => {
    writeFileSync(transcript, lines(0, 2));
    const watch = startWatch('--rescan-interval', '0.05', '--batch-size', '2');
    await watch.caughtUp();

    failWith = () => new HttpResponse('down', { status: 503 });
    appendFileSync(transcript, lines(2, 5));
    await waitFor(
      'two failed pushes',
      () => (watch.output.stderr.match(/Push failed/g) ?? []).length >= 2,
    );
    expect(watch.output.stderr).toContain(
      'Push failed: Import failed after 5 attempts: 503 Service Unavailable down; trying again in 0.05 s.',
    );
    // The next failure waits twice as long.
    expect(watch.output.stderr).toContain('trying again in 0.1 s.');
    expect(received).toHaveLength(2);

    failWith = undefined;
    await waitFor('the missing requests', () => received.length === 5);
    await expect(watch.stop()).resolves.toBe(0);
    expect(receivedIds()).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']);
    expect(readState().files[transcript].offset).toBe(
      readFileSync(transcript).length,
    );
  });

  it('on a signal, sends what is pending, saves the state and exits', async () => {
    writeFileSync(transcript, lines(0, 1));
    // Changes wait 5 s before being read: the signal comes first.
    const watch = startWatch('--debounce', '5000');
    await watch.caughtUp();
    appendFileSync(transcript, lines(1, 3));
    expect(received).toHaveLength(1);

    const started = Date.now();
    await expect(watch.stop('SIGINT')).resolves.toBe(0);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(receivedIds()).toEqual(['m0', 'm1', 'm2']);
    expect(readState().files[transcript].offset).toBe(
      readFileSync(transcript).length,
    );
    expect(watch.output.stdout).toMatch(/ SIGINT: sending what is pending/);
  });

  it('on a signal while retrying a push, stops waiting and keeps the state of the accepted batches', async () => {
    writeFileSync(transcript, lines(0, 1));
    // The back-off waits between attempts never end by themselves.
    const watch = startWatchWith({ sleep: () => new Promise(() => {}) });
    await watch.caughtUp();
    failWith = () => new HttpResponse('down', { status: 503 });
    appendFileSync(transcript, lines(1, 2));
    await waitFor('a failed attempt', () => attempts === 2);

    const started = Date.now();
    await expect(watch.stop()).resolves.toBe(0);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(watch.output.stderr).toContain(
      'Push failed: stopped while waiting to retry.',
    );
    // The failed request is not in the state: the next run sends it.
    expect(readState().files[transcript].offset).toBe(line(0).length);
    failWith = undefined;
    const restarted = startWatch();
    await restarted.caughtUp();
    await expect(restarted.stop()).resolves.toBe(0);
    expect(receivedIds()).toEqual(['m0', 'm1']);
  });

  it('does not count twice after a crash between a push and the state save', async () => {
    writeFileSync(transcript, lines(0, 2));
    const first = startWatch();
    await first.caughtUp();
    // The state file as it was before the next push.
    copyFileSync(statePath, `${statePath}.before`);
    appendFileSync(transcript, lines(2, 4));
    appendFileSync(transcript, line(1, 100));
    await waitFor('the next push', () => received.length === 4);
    await expect(first.stop()).resolves.toBe(0);
    // The process died after the backend accepted the batch, before the state file was written:
    // the state file on disk is the one from before the push.
    renameSync(`${statePath}.before`, statePath);

    const restarted = startWatch();
    await restarted.caughtUp();
    // The batch is sent again (at least once delivery) ...
    expect(receivedIds()).toEqual(['m0', 'm1', 'm2', 'm3', 'm2', 'm3']);
    await expect(restarted.stop()).resolves.toBe(0);
    // ... and the backend, keeping one copy per request key, counts each request once.
    expect([...stored.keys()].sort()).toEqual(['r0', 'r1', 'r2', 'r3']);
    expect(storedInput()).toBe(400);

    // From now on the state file knows the batch: a restart sends nothing.
    const again = startWatch();
    await again.caughtUp();
    await expect(again.stop()).resolves.toBe(0);
    expect(received).toHaveLength(6);
    expect(again.output.stdout).toContain('Sent 0 request(s)');
  });

  it('finds changes by the periodic rescan alone', async () => {
    writeFileSync(transcript, lines(0, 1));
    const stdout: string[] = [];
    const watcher = PushWatcher.create({
      reader: TranscriptReader.create({
        configDirs: [join(temp.path, 'claude')],
      }),
      configDirs: [join(temp.path, 'claude')],
      client: { baseUrl: 'http://backstage.test', token: 't' },
      attribution: GitAttribution.create(),
      statePath,
      identity: 'ada@example.com',
      provider: 'firstParty',
      batchSize: 10,
      debounceMs: 20,
      rescanIntervalMs: 50,
      watchFolders: false,
      stats: true,
      log: text => stdout.push(text),
      warn: text => stdout.push(text),
    });
    const run = watcher.run();
    running.push(() => watcher.stop());
    await waitFor('the first push', () => received.length === 1);
    appendFileSync(transcript, lines(1, 2));
    await waitFor('the appended line', () => received.length === 2);
    await watcher.stop();
    await run;
    expect(stdout[0]).toMatch(/ Rescanning the transcripts every 0.05 s\.\n$/);
    expect(stdout.join('')).toMatch(
      / stats: rescan cycle [\d.]+ ms, cpu [\d.]+ ms \(user [\d.]+, system [\d.]+\), 1 file\(s\) checked, 1 read \([\d.]+ MB\), 0 deleted, 1 request\(s\) sent\n/,
    );
    expect(stdout.join('')).not.toContain('changes cycle');
  });

  it('checks its flags', async () => {
    const stderr: string[] = [];
    const run = (...args: string[]) =>
      main(
        ['push', '--url', 'http://backstage.test/', '--token', 't', ...args],
        {
          env: {},
          homeDir: temp.path,
          stdout: () => {},
          stderr: text => stderr.push(text),
        },
      );
    await expect(run('--stats')).resolves.toBe(1);
    await expect(run('--watch', '--debounce', '-1')).resolves.toBe(1);
    expect(stderr.join('')).toContain('--stats needs --watch');
    expect(stderr.join('')).toContain(
      '--debounce must be a number of at least 0',
    );
  });

  it('stops on a real SIGTERM (the launcher in its own process)', async () => {
    writeFileSync(transcript, lines(0, 2));
    let requests = 0;
    const stub = createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        requests += 1;
        response.setHeader('content-type', 'application/json');
        response.end('{"accepted":2,"rejected":[]}');
      });
    });
    await new Promise<void>(done => stub.listen(0, '127.0.0.1', done));
    try {
      const child = spawn(
        process.execPath,
        [
          // eslint-disable-next-line no-restricted-syntax
          resolve(__dirname, '../../bin/claude-code-analytics-collector'),
          'push',
          '--watch',
          '--url',
          `http://127.0.0.1:${(stub.address() as AddressInfo).port}`,
          '--token',
          't',
          '--identity',
          'ada@example.com',
          '--claude-dir',
          join(temp.path, 'claude'),
          '--state',
          statePath,
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let stdout = '';
      child.stdout.on('data', chunk => {
        stdout += chunk;
      });
      const exited = new Promise<number | null>(done =>
        child.on('exit', code => done(code)),
      );
      await waitFor('the first push', () => stdout.includes(' Sent 2'), 60_000);
      child.kill('SIGTERM');
      await expect(exited).resolves.toBe(0);
      expect(stdout).toContain('SIGTERM: sending what is pending');
      expect(requests).toBe(1);
      expect(readState().files[transcript].offset).toBe(
        readFileSync(transcript).length,
      );
    } finally {
      stub.close();
    }
  }, 90_000);
});
