import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  assistantLine,
  blobLine,
  createTempDir,
  FIXTURE_CONFIG_DIR,
  itWithFixtures,
} from '../testUtils/transcriptLines';
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
});
