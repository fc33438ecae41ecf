import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildDailyReport } from './report/buildDailyReport';
import {
  assistantLine,
  blobLine,
  createTempDir,
  FIXTURE_CONFIG_DIR,
  itWithFixtures,
} from './testUtils/transcriptLines';
import { TranscriptReader } from './transcripts/TranscriptReader';

/*
 * Compares our per-day, per-model token totals with ccusage v17 (Node) and v20 (native) on the same
 * folders. scripts/install-ccusage.sh installs both into .tools/.
 */
const TOOLS = resolve(__dirname, '../../../.tools');
const CCUSAGE = {
  v17: join(TOOLS, 'ccusage17/node_modules/ccusage/dist/index.js'),
  v20: join(TOOLS, 'ccusage20/node_modules/ccusage/src/cli.js'),
};
const installed = existsSync(CCUSAGE.v17) && existsSync(CCUSAGE.v20);
if (!installed) {
  // eslint-disable-next-line no-console
  console.warn(
    'Skipping the ccusage parity tests: .tools/ccusage17 or .tools/ccusage20 is missing. Run scripts/install-ccusage.sh first.',
  );
}
const describeIfInstalled = installed ? describe : describe.skip;

type DayModelTotals = Record<string, Record<string, number[]>>;

type CcusageDaily = {
  daily: Array<{
    date?: string;
    period?: string;
    inputTokens: number;
    outputTokens: number;
    cacheCreationTokens: number;
    cacheReadTokens: number;
    modelBreakdowns: Array<{
      modelName: string;
      inputTokens: number;
      outputTokens: number;
      cacheCreationTokens: number;
      cacheReadTokens: number;
    }>;
  }>;
};

function runCcusage(
  version: keyof typeof CCUSAGE,
  configDir: string,
  home: string,
): Promise<DayModelTotals> {
  return new Promise((resolvePromise, reject) => {
    execFile(
      process.execPath,
      [CCUSAGE[version], 'daily', '--json', '--offline'],
      {
        // Days in UTC like ours; a home of its own so that no other agent's logs are read.
        env: {
          PATH: process.env.PATH,
          HOME: home,
          TZ: 'UTC',
          CLAUDE_CONFIG_DIR: configDir,
        },
        maxBuffer: 64 * 1024 * 1024,
        timeout: 120_000,
      },
      (error, stdout) => {
        if (error) {
          reject(error);
          return;
        }
        const output = JSON.parse(stdout) as CcusageDaily;
        const totals: DayModelTotals = {};
        for (const day of output.daily) {
          const models: Record<string, number[]> = {};
          for (const m of day.modelBreakdowns) {
            models[m.modelName] = [
              m.inputTokens,
              m.outputTokens,
              m.cacheCreationTokens,
              m.cacheReadTokens,
            ];
          }
          models['(day)'] = [
            day.inputTokens,
            day.outputTokens,
            day.cacheCreationTokens,
            day.cacheReadTokens,
          ];
          totals[day.date ?? day.period!] = models;
        }
        resolvePromise(totals);
      },
    );
  });
}

async function ours(configDir: string): Promise<DayModelTotals> {
  const scan = await TranscriptReader.create({
    configDirs: [configDir],
  }).readAll();
  const report = buildDailyReport(scan.usages.map(u => u.usage));
  const totals: DayModelTotals = {};
  for (const row of report.rows) {
    const models = (totals[row.date] ??= { '(day)': [0, 0, 0, 0] });
    const tokens = [
      row.inputTokens,
      row.outputTokens,
      row.cacheCreationTokens,
      row.cacheReadTokens,
    ];
    models[row.model] = tokens;
    models['(day)'] = models['(day)'].map((value, i) => value + tokens[i]);
  }
  return totals;
}

/** A seeded generator, so the corpus is the same on every run. */
function random(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

/**
 * Several projects and sessions; each response written as 1-3 lines (one per content block) with
 * the same usage; some sessions resumed into a new file that repeats earlier lines; request bodies
 * and tool results in between.
 */
function writeCorpus(configDir: string) {
  const next = random(42);
  const models = [
    'claude-sonnet-4-5-20250929',
    'claude-opus-4-5-20251101',
    'claude-haiku-4-5-20251001',
  ];
  for (let p = 0; p < 3; p++) {
    const project = join(configDir, 'projects', `-home-dev-project${p}`);
    mkdirSync(project, { recursive: true });
    let previous: string[] = [];
    for (let s = 0; s < 4; s++) {
      const sessionId = `session-${p}-${s}`;
      const lines: string[] = [];
      for (let r = 0; r < 40; r++) {
        const day = 1 + Math.floor(next() * 5);
        const hour = String(Math.floor(next() * 24)).padStart(2, '0');
        const usage = {
          sessionId,
          messageId: `msg_${p}_${s}_${r}`,
          requestId: `req_${p}_${s}_${r}`,
          model: models[Math.floor(next() * models.length)],
          timestamp: `2026-11-0${day}T${hour}:15:00.000Z`,
          input: Math.floor(next() * 5000),
          output: Math.floor(next() * 2000),
          cacheCreation: Math.floor(next() * 10000),
          cacheRead: Math.floor(next() * 100000),
        };
        if (next() < 0.2) lines.push(blobLine(2000, sessionId));
        const copies = 1 + Math.floor(next() * 3);
        for (let c = 0; c < copies; c++) lines.push(assistantLine(usage));
      }
      // A resumed session starts with the lines of the one before it.
      const content =
        s % 2 === 1 ? [...previous.slice(0, 25), ...lines] : lines;
      writeFileSync(
        join(project, `${sessionId}.jsonl`),
        `${content.join('\n')}\n`,
      );
      previous = lines;
    }
  }
}

describeIfInstalled('token totals equal ccusage', () => {
  const temp = createTempDir('collector-parity-');
  afterAll(() => temp.cleanup());
  const home = join(temp.path, 'home');
  mkdirSync(home);

  itWithFixtures(
    'on the real transcripts',
    async () => {
      const configDir = join(temp.path, 'fixtures');
      mkdirSync(configDir);
      symlinkSync(
        join(FIXTURE_CONFIG_DIR, 'projects'),
        join(configDir, 'projects'),
      );
      const expected = await ours(configDir);
      expect(expected['2026-11-25']['claude-opus-5-5']).toEqual([
        7200, 252, 1800, 30000,
      ]);
      await expect(runCcusage('v17', configDir, home)).resolves.toEqual(
        expected,
      );
      await expect(runCcusage('v20', configDir, home)).resolves.toEqual(
        expected,
      );
    },
    60_000,
  );

  it('on a generated multi-file corpus with repeated and resumed requests', async () => {
    const configDir = join(temp.path, 'generated');
    writeCorpus(configDir);
    const expected = await ours(configDir);
    expect(Object.keys(expected)).toHaveLength(5);
    await expect(runCcusage('v17', configDir, home)).resolves.toEqual(expected);
    await expect(runCcusage('v20', configDir, home)).resolves.toEqual(expected);
  }, 60_000);

  it('keeps the largest copy of a request like v20, where v17 keeps the first', async () => {
    // Early lines of a streamed response can carry a partial output count; the last is complete.
    const configDir = join(temp.path, 'streamed');
    const project = join(configDir, 'projects', '-home-dev-app');
    mkdirSync(project, { recursive: true });
    const line = (output: number) =>
      assistantLine({
        messageId: 'msg_1',
        requestId: 'req_1',
        output,
        timestamp: '2026-11-02T10:00:00.000Z',
      });
    writeFileSync(join(project, 's.jsonl'), `${line(1)}\n${line(300)}\n`);

    const expected = await ours(configDir);
    expect(expected['2026-11-02']['claude-sonnet-4-5-20250929']).toEqual([
      10, 300, 0, 0,
    ]);
    await expect(runCcusage('v20', configDir, home)).resolves.toEqual(expected);
    const v17 = await runCcusage('v17', configDir, home);
    expect(v17['2026-11-02']['claude-sonnet-4-5-20250929']).toEqual([
      10, 1, 0, 0,
    ]);
  }, 60_000);

  it('counts cache writes from cache_creation_input_tokens like v17, where v20 sums the cache_creation breakdown', async () => {
    // Claude Code writes both consistently; when they disagree the API's total field wins.
    const configDir = join(temp.path, 'inconsistent');
    const project = join(configDir, 'projects', '-home-dev-app');
    mkdirSync(project, { recursive: true });
    const line = JSON.parse(
      assistantLine({
        messageId: 'msg_1',
        requestId: 'req_1',
        cacheCreation: 500,
        timestamp: '2026-11-03T10:00:00.000Z',
      }),
    );
    line.message.usage.cache_creation = {
      ephemeral_5m_input_tokens: 0,
      ephemeral_1h_input_tokens: 0,
    };
    writeFileSync(join(project, 's.jsonl'), `${JSON.stringify(line)}\n`);

    const expected = await ours(configDir);
    expect(expected['2026-11-03']['claude-sonnet-4-5-20250929']).toEqual([
      10, 5, 500, 0,
    ]);
    await expect(runCcusage('v17', configDir, home)).resolves.toEqual(expected);
    const v20 = await runCcusage('v20', configDir, home);
    expect(v20['2026-11-03']['claude-sonnet-4-5-20250929']).toEqual([
      10, 5, 0, 0,
    ]);
  }, 60_000);
});
