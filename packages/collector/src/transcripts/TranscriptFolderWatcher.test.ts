import { appendFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTempDir } from '../testUtils/transcriptLines';
import { TranscriptFolderWatcher } from './TranscriptFolderWatcher';

async function waitFor(what: string, check: () => boolean) {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > 5000) {
      throw new Error(`Timed out waiting for ${what}`);
    }
    await new Promise(done => setTimeout(done, 10));
  }
}

describe('TranscriptFolderWatcher', () => {
  let temp: ReturnType<typeof createTempDir>;
  let changed: string[];
  let rescans: number;
  let watcher: TranscriptFolderWatcher;
  beforeEach(() => {
    temp = createTempDir();
    changed = [];
    rescans = 0;
  });
  afterEach(() => {
    watcher.close();
    temp.cleanup();
  });

  const start = (recursive?: boolean) => {
    watcher = TranscriptFolderWatcher.create({
      configDirs: [join(temp.path, 'a'), join(temp.path, 'b')],
      onFileChange: path => changed.push(path),
      onRescanNeeded: () => {
        rescans += 1;
      },
      recursive,
    });
    watcher.refresh();
  };

  // On Linux, Node emulates recursive watches (a watch per file): same events, at a higher cost.
  it.each([
    ['one watch per folder', false],
    ['recursive watches', true],
  ])(
    'reports the transcripts that change, and folders that appear (%s)',
    async (_, recursive) => {
      const project = join(temp.path, 'a', 'projects', 'p');
      mkdirSync(project, { recursive: true });
      writeFileSync(join(project, 's.jsonl'), 'x\n');
      start(recursive);
      expect(watcher.folders).toBe(recursive ? 1 : 2);

      appendFileSync(join(project, 's.jsonl'), 'y\n');
      writeFileSync(join(project, 'notes.txt'), 'not a transcript');
      await waitFor('the append', () =>
        changed.includes(join(project, 's.jsonl')),
      );
      expect(rescans).toBe(0);

      const subagents = join(project, 'sub', 'subagents');
      mkdirSync(subagents, { recursive: true });
      await waitFor('a rescan for the new folder', () => rescans > 0);
      writeFileSync(join(subagents, 'agent.jsonl'), 'x\n');
      await waitFor('the file of the new folder', () =>
        changed.includes(join(subagents, 'agent.jsonl')),
      );
    },
  );

  it('watches a projects folder that appears later, and stops watching removed folders', async () => {
    start(false);
    expect(watcher.folders).toBe(0);
    const project = join(temp.path, 'b', 'projects', 'p');
    mkdirSync(project, { recursive: true });
    watcher.refresh();
    expect(watcher.folders).toBe(2);

    writeFileSync(join(project, 's.jsonl'), 'x\n');
    await waitFor('the new file', () => changed.length > 0);
    rmSync(project, { recursive: true });
    await waitFor('a rescan for the removed folder', () => rescans > 0);
    expect(watcher.folders).toBe(1);
  });
});
