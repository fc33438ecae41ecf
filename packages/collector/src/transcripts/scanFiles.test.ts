import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  assistantLine,
  blobLine,
  createTempDir,
  writeScanWorkerScript,
} from '../testUtils/transcriptLines';
import { type FileScanRequest, scanFiles } from './scanFiles';

describe('scanFiles', () => {
  const temp = createTempDir();
  afterAll(() => temp.cleanup());

  const workerScript = writeScanWorkerScript(temp.path);

  const requests: FileScanRequest[] = [];
  for (let i = 0; i < 12; i++) {
    const path = join(temp.path, `session-${i}.jsonl`);
    const lines = Array.from({ length: 1 + i * 3 }, (_, j) =>
      j % 4 === 3
        ? blobLine(50_000)
        : assistantLine({ messageId: `m${i}-${j}`, input: i * 100 + j }),
    );
    const content = `${lines.join('\n')}\n${i % 2 ? '{"broken":' : ''}`;
    writeFileSync(path, content);
    requests.push({
      path,
      start: 0,
      size: Buffer.byteLength(content),
      includeUnterminatedLine: i % 3 === 0,
    });
  }
  requests.splice(5, 0, {
    path: join(temp.path, 'deleted.jsonl'),
    start: 0,
    size: 1000,
    includeUnterminatedLine: false,
  });

  it('gives each file its outcome, in request order, on one thread', async () => {
    const outcomes = await scanFiles(requests, { threads: 1 });
    expect(outcomes).toHaveLength(requests.length);
    expect(outcomes[5]).toEqual({ missing: true });
    expect(outcomes[0]).toEqual({
      usages: [
        expect.objectContaining({ messageId: 'm0-0', sessionId: 'session-1' }),
      ],
      endOffset: requests[0].size,
      malformedLines: 0,
    });
    const last = outcomes[12];
    expect('usages' in last && last.usages.map(u => u.messageId)).toHaveLength(
      26,
    );
  });

  it('gives the same outcomes with worker threads', async () => {
    const alone = await scanFiles(requests, { threads: 1 });
    const shared = await scanFiles(requests, { threads: 3, workerScript });
    expect(shared).toEqual(alone);
    const workersOnly = await scanFiles(requests, {
      threads: 3,
      workerScript,
      callerScans: false,
    });
    expect(workersOnly).toEqual(alone);
  }, 60_000);

  it('reads the files of a worker that failed on the calling thread', async () => {
    const broken = join(temp.path, 'broken.cjs');
    writeFileSync(broken, 'throw new Error("no worker today");\n');
    const alone = await scanFiles(requests, { threads: 1 });
    await expect(
      scanFiles(requests, {
        threads: 2,
        workerScript: broken,
        callerScans: false,
      }),
    ).resolves.toEqual(alone);
  });

  it('fails with the error of a file that cannot be read, whatever the thread', async () => {
    const folder = join(temp.path, 'folder.jsonl');
    mkdirSync(folder);
    const withFolder = [
      ...requests,
      { path: folder, start: 0, size: 1e9, includeUnterminatedLine: false },
    ];
    await expect(scanFiles(withFolder, { threads: 1 })).rejects.toMatchObject({
      code: 'EISDIR',
    });
    await expect(
      scanFiles(withFolder, { threads: 2, workerScript, callerScans: false }),
    ).rejects.toMatchObject({ code: 'EISDIR' });
  }, 60_000);
});
