#!/usr/bin/env node
/*
 * Benchmarks the collector against ccusage v17 and v20 on a generated corpus shaped like real
 * ~/.claude/projects folders. Not part of the tests.
 *
 *   yarn workspace claude-code-analytics-collector benchmark [--gb 1.1] [--runs 3] [--keep]
 *
 * Needs scripts/install-ccusage.sh (repo root) to have run for the ccusage columns.
 */
import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const here = path.dirname(fileURLToPath(import.meta.url));
const packageDir = path.resolve(here, '..');
const repoRoot = path.resolve(packageDir, '../..');
const collectorBin = path.join(
  packageDir,
  'bin/claude-code-analytics-collector',
);
const ccusage = {
  v17: path.join(
    repoRoot,
    '.tools/ccusage17/node_modules/ccusage/dist/index.js',
  ),
  v20: path.join(repoRoot, '.tools/ccusage20/node_modules/ccusage/src/cli.js'),
};

function option(name, fallback) {
  const index = process.argv.indexOf(`--${name}`);
  return index === -1 ? fallback : process.argv[index + 1];
}
const targetBytes = Number(option('gb', '1.1')) * 1024 ** 3;
const runs = Number(option('runs', '3'));
const keep = process.argv.includes('--keep');

// Seeded, so every run measures the same corpus.
let seed = 7;
const rand = () => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
};
const pick = list => list[Math.floor(rand() * list.length)];
const models = [
  'claude-sonnet-4-5-20250929',
  'claude-opus-4-5-20251101',
  'claude-haiku-4-5-20251001',
];

// Real request bodies repeat the same system prompt and file contents: a small pool of blocks.
const blocks = Array.from({ length: 24 }, (_, i) =>
  `block ${i} `.padEnd(
    20_000 + Math.floor(rand() * 60_000),
    'lorem ipsum "quoted" \\n ',
  ),
);
let requestCounter = 0;

function sessionLines(sessionId, cwd, targetSize) {
  const lines = [];
  let size = 0;
  while (size < targetSize) {
    const n = requestCounter++;
    const timestamp = new Date(
      Date.UTC(2026, 10, 1 + (n % 28), n % 24, n % 60),
    ).toISOString();
    const user = JSON.stringify({
      parentUuid: 'p',
      isSidechain: false,
      type: 'user',
      sessionId,
      cwd,
      timestamp,
      message: {
        role: 'user',
        content: [
          {
            type: 'tool_result',
            content: pick(blocks).slice(0, 2000 + Math.floor(rand() * 20_000)),
          },
        ],
      },
    });
    lines.push(user);
    size += user.length;
    if (rand() < 0.35) {
      const parts = Array.from({ length: 3 + Math.floor(rand() * 8) }, () => ({
        type: 'text',
        text: pick(blocks),
      }));
      const blob = JSON.stringify({
        type: 'api-request-blob',
        sessionId,
        hash: `h${n}`,
        message: { role: 'user', content: parts },
      });
      lines.push(blob);
      size += blob.length;
    }
    const cacheCreation = Math.floor(rand() * 20_000);
    const usage = {
      input_tokens: Math.floor(rand() * 5000),
      cache_creation_input_tokens: cacheCreation,
      cache_read_input_tokens: Math.floor(rand() * 200_000),
      output_tokens: Math.floor(rand() * 3000),
      cache_creation: {
        ephemeral_5m_input_tokens: cacheCreation,
        ephemeral_1h_input_tokens: 0,
      },
      service_tier: 'standard',
    };
    const model = pick(models);
    // One line per content block, each repeating the usage.
    const copies = 1 + Math.floor(rand() * 3);
    for (let c = 0; c < copies; c++) {
      const assistant = JSON.stringify({
        parentUuid: 'p',
        isSidechain: false,
        message: {
          id: `msg_${n}`,
          type: 'message',
          role: 'assistant',
          model,
          content: [
            {
              type: 'text',
              text: pick(blocks).slice(0, 500 + Math.floor(rand() * 3000)),
            },
          ],
          usage,
        },
        requestId: `req_${n}`,
        type: 'assistant',
        uuid: `u${n}_${c}`,
        timestamp,
        cwd,
        sessionId,
        version: '2.1.328',
        gitBranch: 'main',
      });
      lines.push(assistant);
      size += assistant.length;
    }
  }
  return `${lines.join('\n')}\n`;
}

function generateCorpus(configDir) {
  let written = 0;
  let files = 0;
  for (let i = 0; written < targetBytes; i++) {
    const project = `-home-dev-src-project${i % 12}`;
    const dir = path.join(configDir, 'projects', project);
    fs.mkdirSync(dir, { recursive: true });
    // Mostly small sessions, some of tens of MB.
    const size = rand() < 0.01 ? 20e6 + rand() * 30e6 : 50e3 + rand() * 300e3;
    const content = sessionLines(
      `session-${i}`,
      `/home/dev/src/project${i % 12}`,
      Math.min(size, targetBytes - written + 1),
    );
    fs.writeFileSync(path.join(dir, `session-${i}.jsonl`), content);
    written += Buffer.byteLength(content);
    files += 1;
  }
  return { written, files };
}

async function time(fn) {
  const started = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - started) / 1e9;
}

const median = values =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function main() {
  const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'collector-bench-'));
  const configDir = path.join(temp, 'claude');
  const home = path.join(temp, 'home');
  fs.mkdirSync(home);
  const env = {
    PATH: process.env.PATH,
    HOME: home,
    TZ: 'UTC',
    CLAUDE_CONFIG_DIR: configDir,
  };
  const server = createServer((request, response) => {
    let lines = 0;
    request.on('data', chunk => {
      for (const byte of chunk) if (byte === 10) lines += 1;
    });
    request.on('end', () => {
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ accepted: lines, rejected: [] }));
    });
  });
  await new Promise(resolve => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${server.address().port}`;

  try {
    const generated = await time(() => {
      const { written, files } = generateCorpus(configDir);
      console.log(
        `Corpus: ${files} files, ${(written / 1024 ** 3).toFixed(
          2,
        )} GB in ${configDir}`,
      );
    });
    console.log(
      `Generated in ${generated.toFixed(
        1,
      )} s; ${runs} run(s) each, median reported.\n`,
    );

    const results = [];
    const measure = async (label, fn) => {
      const times = [];
      for (let i = 0; i < runs; i++) times.push(await time(fn));
      results.push({ label, seconds: median(times) });
      console.log(`${label}: ${times.map(t => t.toFixed(2)).join(' / ')} s`);
    };
    const totals = {};
    const big = { maxBuffer: 256 * 1024 * 1024, env };

    await measure('collector report (full scan)', async () => {
      const { stdout } = await run(
        process.execPath,
        [collectorBin, 'report', '--json'],
        big,
      );
      totals.collector = JSON.parse(stdout).totals.totalTokens;
    });

    const statePath = path.join(temp, 'state.json');
    const push = () =>
      run(
        process.execPath,
        [
          collectorBin,
          'push',
          '--url',
          url,
          '--token',
          'bench',
          '--identity',
          'bench@example.com',
          '--state',
          statePath,
        ],
        big,
      );
    await measure('collector push (first, full)', async () => {
      fs.rmSync(statePath, { force: true });
      await push();
    });
    const files = fs
      .readdirSync(path.join(configDir, 'projects'), { recursive: true })
      .filter(f => f.endsWith('.jsonl'));
    await measure('collector push (after +1 MB)', async () => {
      let appended = 0;
      while (appended < 1024 * 1024) {
        const file = path.join(configDir, 'projects', pick(files));
        const lines = sessionLines(
          path.basename(file, '.jsonl'),
          '/home/dev/src/project0',
          100_000,
        );
        fs.appendFileSync(file, lines);
        appended += Buffer.byteLength(lines);
      }
      await push();
    });

    for (const version of ['v17', 'v20']) {
      if (!fs.existsSync(ccusage[version])) {
        console.log(
          `ccusage ${version}: not installed (run scripts/install-ccusage.sh)`,
        );
        continue;
      }
      await measure(`ccusage ${version} daily (full scan)`, async () => {
        const { stdout } = await run(
          process.execPath,
          [ccusage[version], 'daily', '--json', '--offline'],
          big,
        );
        totals[version] = JSON.parse(stdout).totals.totalTokens;
      });
    }

    // Once more after the appends, so that all totals cover the same lines.
    const { stdout } = await run(
      process.execPath,
      [collectorBin, 'report', '--json'],
      big,
    );
    totals.collector = JSON.parse(stdout).totals.totalTokens;

    const full = results[0].seconds;
    console.log(
      `\n| run | seconds (median of ${runs}) | vs collector full scan |`,
    );
    console.log('|---|---:|---:|');
    for (const { label, seconds } of results) {
      console.log(
        `| ${label} | ${seconds.toFixed(2)} | ${(seconds / full).toFixed(
          3,
        )}x |`,
      );
    }
    console.log(
      `\nTotal tokens on the final corpus: ${JSON.stringify(totals)}`,
    );
  } finally {
    server.close();
    if (keep) {
      console.log(`Kept ${temp}`);
    } else {
      fs.rmSync(temp, { recursive: true, force: true });
    }
  }
}

main().catch(error => {
  console.error(error);
  process.exitCode = 1;
});
