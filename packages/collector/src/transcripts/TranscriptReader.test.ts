import {
  appendFileSync,
  mkdirSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { emptyCollectorState } from '../state/CollectorState';
import { SentKeys } from '../state/SentKeys';
import {
  assistantLine,
  blobLine,
  createTempDir,
  writeScanWorkerScript,
} from '../testUtils/transcriptLines';
import { TranscriptReader } from './TranscriptReader';

describe('TranscriptReader', () => {
  let temp: ReturnType<typeof createTempDir>;
  let project: string;
  let reader: TranscriptReader;
  beforeEach(() => {
    temp = createTempDir();
    project = join(temp.path, 'projects', '-home-dev-app');
    mkdirSync(project, { recursive: true });
    reader = TranscriptReader.create({ configDirs: [temp.path] });
  });
  afterEach(() => temp.cleanup());

  const write = (name: string, lines: string[]) =>
    writeFileSync(join(project, name), lines.map(l => `${l}\n`).join(''));

  /** Runs an incremental read and commits it, as a fully accepted push does. */
  async function pushRun(state = emptyCollectorState()) {
    const sent = SentKeys.fromState(state);
    const scan = await reader.readNew(state, sent);
    for (const { usage, key, total } of scan.usages) {
      if (key) sent.add(usage.sessionId, key, total, new Date());
    }
    Object.assign(state.files, scan.nextFiles);
    for (const path of scan.deletedFiles) delete state.files[path];
    return { state, scan, ids: scan.usages.map(u => u.usage.messageId) };
  }

  describe('readAll', () => {
    it('keeps one copy per request, the one with the most tokens, across files', async () => {
      write('a.jsonl', [
        assistantLine({ messageId: 'm1', requestId: 'r1', output: 1 }),
        assistantLine({ messageId: 'm1', requestId: 'r1', output: 50 }),
        assistantLine({ messageId: 'm2', requestId: 'r2', output: 70 }),
      ]);
      mkdirSync(join(project, 'subagents'));
      writeFileSync(
        join(project, 'subagents', 'b.jsonl'),
        `${[
          assistantLine({ messageId: 'm2', requestId: 'r2', output: 5 }),
          assistantLine({ messageId: 'm1', requestId: 'other', output: 2 }),
          assistantLine({ messageId: 'm3', output: 3 }),
          assistantLine({ messageId: 'm3', output: 3 }),
          assistantLine({ requestId: 'r9', output: 4 }),
          assistantLine({ requestId: 'r9', output: 4 }),
        ].join('\n')}\n`,
      );
      const scan = await reader.readAll();
      expect(
        scan.usages.map(u => [u.usage.messageId, u.usage.requestId, u.total]),
      ).toEqual([
        ['m1', 'r1', 60],
        ['m2', 'r2', 80],
        ['m1', 'other', 12],
        // Without a request id the message id alone identifies the response.
        ['m3', undefined, 13],
        // Without a message id nothing identifies a copy: both count, as in ccusage.
        [undefined, 'r9', 14],
        [undefined, 'r9', 14],
      ]);
    });
  });

  describe('readNew', () => {
    it('reads only appended lines and leaves a partial line for later', async () => {
      write('s.jsonl', [assistantLine({ messageId: 'a', requestId: 'ra' })]);
      const first = await pushRun();
      expect(first.ids).toEqual(['a']);

      const b = assistantLine({ messageId: 'b', requestId: 'rb' });
      appendFileSync(join(project, 's.jsonl'), b.slice(0, 30));
      const partial = await pushRun(first.state);
      expect(partial.ids).toEqual([]);

      appendFileSync(join(project, 's.jsonl'), `${b.slice(30)}\n`);
      const completed = await pushRun(partial.state);
      expect(completed.ids).toEqual(['b']);

      expect((await pushRun(completed.state)).scan.usages).toEqual([]);
    });

    it('sends a request again only when a later copy carries more tokens', async () => {
      write('s.jsonl', [
        assistantLine({ messageId: 'a', requestId: 'ra', output: 1 }),
      ]);
      const first = await pushRun();
      appendFileSync(
        join(project, 's.jsonl'),
        `${assistantLine({
          messageId: 'a',
          requestId: 'ra',
          output: 1,
        })}\n${assistantLine({
          messageId: 'a',
          requestId: 'ra',
          output: 9,
        })}\n`,
      );
      const second = await pushRun(first.state);
      expect(second.scan.usages.map(u => u.usage.tokens.output)).toEqual([9]);
    });

    it('re-reads a truncated file from the start without sending old requests twice', async () => {
      write('s.jsonl', [
        assistantLine({ messageId: 'a', requestId: 'ra' }),
        assistantLine({ messageId: 'b', requestId: 'rb' }),
      ]);
      const first = await pushRun();
      write('s.jsonl', [assistantLine({ messageId: 'c', requestId: 'rc' })]);
      const second = await pushRun(first.state);
      expect(second.ids).toEqual(['c']);
    });

    it('re-reads a rotated file (new inode) from the start without sending old requests twice', async () => {
      write('s.jsonl', [assistantLine({ messageId: 'a', requestId: 'ra' })]);
      const first = await pushRun();
      const path = join(project, 's.jsonl');
      writeFileSync(
        `${path}.new`,
        `${assistantLine({ messageId: 'a', requestId: 'ra' })}\n${assistantLine(
          {
            messageId: 'x',
            requestId: 'rx',
          },
        )}\n${assistantLine({ messageId: 'y', requestId: 'ry' })}\n`,
      );
      renameSync(`${path}.new`, path);
      const second = await pushRun(first.state);
      expect(second.ids).toEqual(['x', 'y']);
      expect(second.state.files[path].inode).not.toBe(
        first.scan.nextFiles[path].inode,
      );
    });

    it('forgets deleted files', async () => {
      write('s.jsonl', [assistantLine({ messageId: 'a', requestId: 'ra' })]);
      write('t.jsonl', [assistantLine({ messageId: 'b', requestId: 'rb' })]);
      const first = await pushRun();
      rmSync(join(project, 's.jsonl'));
      const second = await pushRun(first.state);
      expect(second.scan.deletedFiles).toEqual([join(project, 's.jsonl')]);
      expect(Object.keys(second.state.files)).toEqual([
        join(project, 't.jsonl'),
      ]);
    });

    it('reads only the files it is given, and reports those that are gone', async () => {
      write('s.jsonl', [assistantLine({ messageId: 'a', requestId: 'ra' })]);
      write('t.jsonl', [assistantLine({ messageId: 'b', requestId: 'rb' })]);
      const { state } = await pushRun();
      const s = join(project, 's.jsonl');
      const t = join(project, 't.jsonl');
      appendFileSync(
        s,
        `${assistantLine({ messageId: 'c', requestId: 'rc' })}\n`,
      );
      appendFileSync(
        t,
        `${assistantLine({ messageId: 'd', requestId: 'rd' })}\n`,
      );
      const sent = SentKeys.fromState(state);

      const onlyS = await reader.readNew(state, sent, [s, s]);
      expect(onlyS.usages.map(u => u.usage.messageId)).toEqual(['c']);
      expect(Object.keys(onlyS.nextFiles)).toEqual([s]);
      expect(onlyS).toMatchObject({
        deletedFiles: [],
        filesChecked: 1,
        filesRead: 1,
      });

      rmSync(t);
      const gone = await reader.readNew(state, sent, [
        t,
        join(project, 'never-there.jsonl'),
        project,
      ]);
      expect(gone).toMatchObject({
        usages: [],
        deletedFiles: [t],
        filesRead: 0,
      });
    });
  });

  it('reads the same with worker threads', async () => {
    for (let i = 0; i < 6; i++) {
      write(`s${i}.jsonl`, [
        assistantLine({ messageId: `m${i}`, requestId: 'r', output: i }),
        blobLine(10_000),
        assistantLine({ messageId: 'shared', requestId: 'r', output: 10 - i }),
      ]);
    }
    const threaded = TranscriptReader.create({
      configDirs: [temp.path],
      workerScript: writeScanWorkerScript(temp.path),
      threads: 3,
      callerScans: false,
    });
    expect(await threaded.readAll()).toEqual(await reader.readAll());

    const state = emptyCollectorState();
    const sent = SentKeys.fromState(state);
    sent.add('session-1', 'm2:r', 100, new Date());
    expect(await threaded.readNew(state, sent)).toEqual(
      await reader.readNew(state, sent),
    );
  }, 60_000);
});
