import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  assistantLine,
  blobLine,
  createTempDir,
  FIXTURE_CONFIG_DIR,
  itWithFixtures,
} from '../testUtils/transcriptLines';
import { parseTranscriptLine } from './parseTranscriptLine';
import { scanTranscriptFile } from './scanTranscriptFile';
import type { TranscriptUsage } from './TranscriptUsage';

const GRACE = join(
  FIXTURE_CONFIG_DIR,
  'projects/-home-grace-src-web/7a86bb3c-8ead-46bc-93e8-10f4227f730a.jsonl',
);

async function scan(path: string, start = 0, includeUnterminatedLine = false) {
  const usages: TranscriptUsage[] = [];
  const result = await scanTranscriptFile(
    path,
    { start, includeUnterminatedLine },
    usage => usages.push(usage),
  );
  return { ...result, usages };
}

/** The scanner's bytes per read: lines across these offsets from the start are kept and joined. */
const READ_BYTES = 256 * 1024;

/** Reads `content` from `start` line by line the slow way: every line decoded and parsed. */
function referenceScan(
  content: Buffer,
  start: number,
  includeUnterminatedLine: boolean,
  sessionId: string,
) {
  const usages: TranscriptUsage[] = [];
  let malformedLines = 0;
  let lines = 0;
  let endOffset = start;
  const handle = (line: string, complete: boolean) => {
    if (line.startsWith('{"type":"api-request')) {
      return;
    }
    const parsed = parseTranscriptLine(line, sessionId);
    if (parsed.kind === 'usage') {
      usages.push(parsed.usage);
    } else if (
      parsed.kind === 'malformed' &&
      complete &&
      // Only lines that can hold usage are parsed (and can count as malformed).
      line.includes('"input_tokens"')
    ) {
      malformedLines += 1;
    }
  };
  let position = start;
  for (;;) {
    const newline = content.indexOf(0x0a, position);
    if (newline === -1) {
      if (includeUnterminatedLine && position < content.length) {
        handle(content.subarray(position).toString('utf8'), false);
      }
      break;
    }
    lines += 1;
    if (newline > position) {
      handle(content.subarray(position, newline).toString('utf8'), true);
    }
    position = newline + 1;
    endOffset = position;
  }
  return { endOffset, lines, malformedLines, usages };
}

/** A seeded generator, so that the generated files are the same on every run. */
function random(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

/** A user line (tool result) of about `bytes`, without usage. */
const userLine = (bytes: number, text = 'z') =>
  JSON.stringify({
    type: 'user',
    message: { role: 'user', content: [{ type: 'tool_result', text }] },
    padding: 'u'.repeat(bytes),
  });

describe('scanTranscriptFile', () => {
  const temp = createTempDir();
  afterAll(() => temp.cleanup());

  itWithFixtures('reads a real transcript to its end', async () => {
    const result = await scan(GRACE);
    expect(result.lines).toBe(32);
    expect(result.malformedLines).toBe(0);
    expect(result.endOffset).toBe(statSync(GRACE).size);
    expect(result.usages.map(u => [u.messageId, u.tokens.output])).toEqual([
      ['msg_stub_10_1795609418276', 42],
      ['msg_stub_12_1795609418360', 42],
      ['msg_stub_14_1795609418438', 42],
    ]);
  });

  it('skips request bodies, counts malformed lines and handles lines longer than a chunk', async () => {
    const path = join(temp.path, 'mixed.jsonl');
    const big = assistantLine({ messageId: 'big', input: 7 }).replace(
      'secret prompt text',
      'y'.repeat(3 * 1024 * 1024),
    );
    writeFileSync(
      path,
      [
        blobLine(2 * 1024 * 1024),
        '{"parentUuid":"x","message":{"usage":{"input_tokens":1,', // broken
        '',
        big,
        assistantLine({ messageId: 'small', input: 3 }),
        '',
      ].join('\n'),
    );
    const result = await scan(path);
    expect(result.usages.map(u => [u.messageId, u.tokens.input])).toEqual([
      ['big', 7],
      ['small', 3],
    ]);
    expect(result.malformedLines).toBe(1);
    expect(result.endOffset).toBe(statSync(path).size);
  });

  it('leaves a line that is still being written for the next scan', async () => {
    const path = join(temp.path, 'partial.jsonl');
    const first = `${assistantLine({ messageId: 'a' })}\n`;
    const second = assistantLine({ messageId: 'b' });
    writeFileSync(path, first + second.slice(0, 40));
    const partial = await scan(path);
    expect(partial.usages.map(u => u.messageId)).toEqual(['a']);
    expect(partial.endOffset).toBe(Buffer.byteLength(first));
    expect(partial.malformedLines).toBe(0);

    writeFileSync(path, `${first}${second}\n`);
    const resumed = await scan(path, partial.endOffset);
    expect(resumed.usages.map(u => u.messageId)).toEqual(['b']);
  });

  it('reads a complete but unterminated last line on request without moving past it', async () => {
    const path = join(temp.path, 'unterminated.jsonl');
    writeFileSync(path, assistantLine({ messageId: 'a' }));
    const result = await scan(path, 0, true);
    expect(result.usages.map(u => u.messageId)).toEqual(['a']);
    expect(result.endOffset).toBe(0);
  });

  it('reads like a line-by-line parse whatever the line sizes, read boundaries and start offset', async () => {
    const next = random(7);
    const lines: string[] = [];
    let id = 0;
    const assistant = () => {
      id += 1;
      return assistantLine({
        messageId: `m${id}`,
        requestId: `r${id}`,
        input: id,
        output: Math.floor(next() * 1000),
        // Multi-byte characters, which may be cut by a read boundary.
        cwd: `/home/dév/プロジェクト${id % 3}`,
      });
    };
    let size = 0;
    while (size < 4 * 1024 * 1024) {
      const kind = next();
      if (kind < 0.5) {
        lines.push(assistant());
      } else if (kind < 0.7) {
        lines.push(userLine(Math.floor(next() * 60_000)));
      } else if (kind < 0.8) {
        lines.push(blobLine(Math.floor(next() * 500_000)));
      } else if (kind < 0.85) {
        // Usage-like text inside a string is escaped and never taken for usage.
        lines.push(
          userLine(
            Math.floor(next() * 2_000),
            '{"message":{"usage":{"input_tokens":5,"output_tokens":5}}}',
          ),
        );
      } else if (kind < 0.88) {
        // A real key in a line that is not JSON: counted as malformed.
        lines.push(assistant().slice(0, -20));
      } else if (kind < 0.9) {
        lines.push('');
      } else {
        // The key as a string value: parsed, nothing found.
        lines.push('{"type":"user","message":{"content":["input_tokens"]}}');
      }
      size += lines[lines.length - 1].length;
    }
    // A line longer than the buffer, with usage at its end, and a request body longer than it.
    lines.splice(
      10,
      0,
      assistant().replace('secret prompt text', 'y'.repeat(3_000_000)),
      blobLine(2_500_000),
    );
    // A request body starting 4 bytes before a read boundary (its first bytes arrive in two
    // reads), then a usage line whose key is cut by the next boundary.
    const before = Buffer.byteLength(`${lines.slice(0, 20).join('\n')}\n`);
    const toBoundary = (READ_BYTES - (before % READ_BYTES)) % READ_BYTES;
    const user = userLine(
      toBoundary + READ_BYTES - Buffer.byteLength(userLine(0)) - 4 - 1,
    );
    const cut = assistant();
    const keyAt = cut.indexOf('"input_tokens"');
    const blob = blobLine(READ_BYTES - keyAt - 2 - blobLine(0).length);
    lines.splice(20, 0, user, blob, cut);
    const blobStart = before + user.length + 1;
    expect(blobStart % READ_BYTES).toBe(READ_BYTES - 4);
    expect((blobStart + blob.length + 1 + keyAt + 5) % READ_BYTES).toBe(0);
    const content = Buffer.from(
      `${lines.join('\n')}\n${assistant().slice(0, 50)}`,
    );
    const path = join(temp.path, 'boundaries.jsonl');
    writeFileSync(path, content);

    const lineStarts = [0];
    for (
      let i = content.indexOf(0x0a);
      i !== -1;
      i = content.indexOf(0x0a, i + 1)
    ) {
      lineStarts.push(i + 1);
    }
    const last = lineStarts.length - 1;
    for (const start of [3, 11, 21, 22, 23, last >> 1, last].map(
      i => lineStarts[i],
    )) {
      for (const includeUnterminatedLine of [false, true]) {
        const expected = referenceScan(
          content,
          start,
          includeUnterminatedLine,
          'boundaries',
        );
        const actual = await scan(path, start, includeUnterminatedLine);
        expect(actual.usages).toEqual(expected.usages);
        expect(actual.malformedLines).toBe(expected.malformedLines);
        expect(actual.lines).toBe(expected.lines);
        expect(actual.endOffset).toBe(expected.endOffset);
      }
    }
    const all = referenceScan(content, 0, false, 'boundaries');
    expect(all.usages.length).toBeGreaterThan(50);
    expect(all.malformedLines).toBeGreaterThan(2);
    expect(all.usages[0].cwd).toMatch(/^\/home\/dév\/プロジェクト/);
  });

  it('does not parse an unfinished request body as the last line', async () => {
    const path = join(temp.path, 'unfinished-blob.jsonl');
    const blob = blobLine(600_000);
    writeFileSync(
      path,
      `${assistantLine({ messageId: 'a' })}\n${blob.slice(0, -10)}`,
    );
    const result = await scan(path, 0, true);
    expect(result.usages.map(u => u.messageId)).toEqual(['a']);
    expect(result.malformedLines).toBe(0);
  });

  it('parses only the lines that can hold usage, and those exactly', async () => {
    const path = join(temp.path, 'tricky.jsonl');
    const withText = (text: string) =>
      assistantLine({ messageId: 'text' }).replace(
        '"secret prompt text"',
        JSON.stringify(text),
      );
    const quoted = JSON.parse(assistantLine({ messageId: 'm' }));
    quoted.message.id = 'msg_"quoted"\\back\\slash';
    quoted.requestId = 'req_\u00e9\u{1F600}';
    const lines = [
      // Usage-like text in a content text is escaped: the line cannot hold usage.
      JSON.stringify({
        type: 'user',
        message: {
          content:
            '"usage":{"input_tokens":1,"output_tokens":1} "input_tokens"',
        },
        timestamp: '2026-11-20T10:00:00.000Z',
      }),
      // The key as a value: decoded and parsed, no usage, not malformed.
      '{"type":"user","message":{"content":"x","key":"input_tokens"}}',
      // Escaped quotes, backslashes and non-ASCII characters in the values read.
      JSON.stringify(quoted),
      // Content text with usage-like text around a real usage.
      withText(
        '{"message":{"usage":{"input_tokens":999,"output_tokens":999}}}',
      ),
      // Whitespace around the JSON and a CR before the newline.
      `  ${assistantLine({ messageId: 'spaced', input: 4 })}\r`,
      // Broken lines: counted when they have the key, not otherwise.
      assistantLine({ messageId: 'cut' }).slice(0, -1),
      '{"type":"user","message":{"content":"cut',
    ];
    writeFileSync(path, `${lines.join('\n')}\n`);
    const result = await scan(path);
    expect(
      result.usages.map(u => [u.messageId, u.requestId, u.tokens.input]),
    ).toEqual([
      ['msg_"quoted"\\back\\slash', 'req_\u00e9\u{1F600}', 10],
      ['text', undefined, 10],
      ['spaced', undefined, 4],
    ]);
    expect(result.malformedLines).toBe(1);
    expect(result.lines).toBe(lines.length);
  });
});
