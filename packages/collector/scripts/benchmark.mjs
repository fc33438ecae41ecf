#!/usr/bin/env node
/*
 * Benchmarks the collector against ccusage v17 and v20 on a generated corpus shaped like real
 * ~/.claude/projects folders. Not part of the tests.
 *
 *   yarn workspace claude-code-analytics-collector benchmark [--gb 1.1] [--runs 3] [--keep]
 *     [--corpus <config dir>]
 *
 * Besides the one-shot commands, it runs `push --watch` (twice: with the default 200 ms debounce
 * and with --debounce 0) and times the incremental run inside that long-running process: from
 * appending 1 MB to one transcript to the stub server having received every new request, with
 * the process's own wall and CPU time for the cycle (its --stats lines).
 *
 * Needs scripts/install-ccusage.sh (repo root) to have run for the ccusage columns.
 */
import { execFile, spawn } from 'node:child_process';
import { EventEmitter, once } from 'node:events';
import { createServer } from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import readline from 'node:readline';
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
// An existing config directory (e.g. the `claude` folder of a kept run) instead of a new corpus;
// the +1 MB runs append to it.
const reuse = option('corpus', undefined);

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

const sorted = values => [...values].sort((a, b) => a - b);
const median = values => sorted(values)[Math.floor(values.length / 2)];

async function main() {
  const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'collector-bench-'));
  const configDir = reuse ? path.resolve(reuse) : path.join(temp, 'claude');
  const home = path.join(temp, 'home');
  fs.mkdirSync(home);
  const env = {
    PATH: process.env.PATH,
    HOME: home,
    TZ: 'UTC',
    CLAUDE_CONFIG_DIR: configDir,
  };
  // Counts every line it receives; `linesReached(n)` resolves with the time (hrtime) at which the
  // request that brought the total to n had been received whole.
  const stub = { lines: 0, waiters: [] };
  const linesReached = target =>
    new Promise(resolve => {
      if (stub.lines >= target) resolve(process.hrtime.bigint());
      else stub.waiters.push({ target, resolve });
    });
  const server = createServer((request, response) => {
    let lines = 0;
    request.on('data', chunk => {
      for (const byte of chunk) if (byte === 10) lines += 1;
    });
    request.on('end', () => {
      const at = process.hrtime.bigint();
      stub.lines += lines;
      stub.waiters = stub.waiters.filter(waiter => {
        if (stub.lines < waiter.target) return true;
        waiter.resolve(at);
        return false;
      });
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ accepted: lines, rejected: [] }));
    });
  });
  await new Promise(resolve => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${server.address().port}`;

  try {
    if (reuse) {
      const files = fs
        .readdirSync(path.join(configDir, 'projects'), { recursive: true })
        .filter(f => f.endsWith('.jsonl'));
      const bytes = files.reduce(
        (sum, f) => sum + fs.statSync(path.join(configDir, 'projects', f)).size,
        0,
      );
      console.log(
        `Corpus: ${files.length} files, ${(bytes / 1024 ** 3).toFixed(
          2,
        )} GB in ${configDir} (reused)`,
      );
    } else {
      const generated = await time(() => {
        const { written, files } = generateCorpus(configDir);
        console.log(
          `Corpus: ${files} files, ${(written / 1024 ** 3).toFixed(
            2,
          )} GB in ${configDir}`,
        );
      });
      console.log(`Generated in ${generated.toFixed(1)} s.`);
    }
    // Reads the corpus once so that every tool finds it in the page cache, and lets the
    // launcher build its bundle (and Node cache its compiled code) before anything is timed.
    const emptyDir = path.join(temp, 'empty');
    fs.mkdirSync(emptyDir);
    await run(process.execPath, [collectorBin, 'report', '--json'], {
      maxBuffer: 256 * 1024 * 1024,
      env,
    });
    console.log(`${runs} run(s) each; min and median reported.\n`);

    const results = {};
    const measure = async (key, label, fn) => {
      const times = [];
      for (let i = 0; i < runs; i++) times.push(await time(fn));
      results[key] = {
        label,
        min: sorted(times)[0],
        median: median(times),
      };
      console.log(`${label}: ${times.map(t => t.toFixed(2)).join(' / ')} s`);
    };
    const totals = {};
    const big = { maxBuffer: 256 * 1024 * 1024, env };

    await measure('node', 'node -e 0 (Node.js start alone)', () =>
      run(process.execPath, ['-e', '0'], big),
    );
    await measure('empty', 'collector report, no transcripts (start-up)', () =>
      run(
        process.execPath,
        [collectorBin, 'report', '--json', '--claude-dir', emptyDir],
        big,
      ),
    );
    // The full scans of the collector and of ccusage v20 alternate, so that both see the same
    // load on a shared machine; their ratio is also taken per round.
    const report = async () => {
      const { stdout } = await run(
        process.execPath,
        [collectorBin, 'report', '--json'],
        big,
      );
      totals.collector = JSON.parse(stdout).totals.totalTokens;
    };
    const ccusageDaily = async version => {
      const { stdout } = await run(
        process.execPath,
        [ccusage[version], 'daily', '--json', '--offline'],
        big,
      );
      totals[version] = JSON.parse(stdout).totals.totalTokens;
    };
    const hasV20 = fs.existsSync(ccusage.v20);
    const fullTimes = [];
    const v20Times = [];
    for (let i = 0; i < runs; i++) {
      fullTimes.push(await time(report));
      if (hasV20) v20Times.push(await time(() => ccusageDaily('v20')));
    }
    const series = (key, label, times) => {
      results[key] = { label, min: sorted(times)[0], median: median(times) };
      console.log(`${label}: ${times.map(t => t.toFixed(2)).join(' / ')} s`);
    };
    series('full', 'collector report (full scan)', fullTimes);
    if (hasV20) {
      series('v20', 'ccusage v20 daily (full scan)', v20Times);
    } else {
      console.log(
        'ccusage v20: not installed (run scripts/install-ccusage.sh)',
      );
    }
    const pairedV20 = median(fullTimes.map((t, i) => t / v20Times[i]));

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
    await measure('firstPush', 'collector push (first, full)', async () => {
      fs.rmSync(statePath, { force: true });
      await push();
    });
    await measure('idlePush', 'collector push (nothing new)', push);
    const files = fs
      .readdirSync(path.join(configDir, 'projects'), { recursive: true })
      .filter(f => f.endsWith('.jsonl'));
    const appendOneMegabyte = () => {
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
    };
    // Only the push is timed, not the appending.
    const pushTimes = [];
    for (let i = 0; i < runs; i++) {
      appendOneMegabyte();
      pushTimes.push(await time(push));
    }
    results.incremental = {
      label: 'collector push (after +1 MB)',
      min: sorted(pushTimes)[0],
      median: median(pushTimes),
    };
    console.log(
      `${results.incremental.label}: ${pushTimes
        .map(t => t.toFixed(2))
        .join(' / ')} s`,
    );

    // push --watch: one long-running process per debounce setting. Each round times a full scan
    // (`report`, run with a preload that prints its CPU time) and then, in the watcher, the
    // incremental run after appending 1 MB to one transcript: from just before the append to the
    // stub having received all of its requests (end to end: inotify, debounce, stat, read,
    // parse, HTTP), plus the watcher's --stats line for that cycle (wall time from the end of
    // the debounce to the state file saved, and process.cpuUsage() over the cycle).
    const cpuPreload = path.join(temp, 'print-cpu.cjs');
    fs.writeFileSync(
      cpuPreload,
      `process.on('exit', () => { const u = process.cpuUsage(); require('fs').writeSync(2, 'cpu-ms ' + (u.user + u.system) / 1000 + '\\n'); });\n`,
    );
    const timedReport = async () => {
      const started = process.hrtime.bigint();
      const { stderr } = await run(
        process.execPath,
        ['-r', cpuPreload, collectorBin, 'report', '--json'],
        big,
      );
      return {
        seconds: Number(process.hrtime.bigint() - started) / 1e9,
        cpuMs: Number(/cpu-ms ([\d.]+)/.exec(stderr)[1]),
      };
    };
    const watchState = path.join(temp, 'watch-state.json');
    const startWatcher = async debounceMs => {
      fs.rmSync(watchState, { force: true });
      const child = spawn(
        process.execPath,
        [
          collectorBin,
          'push',
          '--watch',
          '--stats',
          '--debounce',
          String(debounceMs),
          // No periodic rescan during the measurements; its cost is measured when stopping.
          '--rescan-interval',
          '3600',
          '--url',
          url,
          '--token',
          'bench',
          '--identity',
          'bench@example.com',
          '--state',
          watchState,
        ],
        { env, stdio: ['ignore', 'pipe', 'inherit'] },
      );
      // 'cycle' for every --stats line, and once more when the process exits.
      const events = new EventEmitter();
      let exitCode;
      const exited = new Promise(resolve =>
        child.on('exit', code => {
          exitCode = code;
          events.emit('cycle');
          resolve(code);
        }),
      );
      const cycles = [];
      readline.createInterface({ input: child.stdout }).on('line', line => {
        const match =
          /stats: (\w+) cycle ([\d.]+) ms.*cpu ([\d.]+) ms.* (\d+) request\(s\) sent/.exec(
            line,
          );
        if (match) {
          cycles.push({
            kind: match[1],
            ms: Number(match[2]),
            cpuMs: Number(match[3]),
            sent: Number(match[4]),
          });
          events.emit('cycle');
        }
      });
      const nextCycle = async () => {
        while (cycles.length === 0) {
          if (exitCode !== undefined) {
            throw new Error(`push --watch exited (${exitCode})`);
          }
          await once(events, 'cycle');
        }
        return cycles.shift();
      };
      const started = process.hrtime.bigint();
      // The first cycle catches up with the corpus (a full push).
      const catchUp = await nextCycle();
      catchUp.seconds = Number(process.hrtime.bigint() - started) / 1e9;
      return {
        catchUp,
        nextCycle,
        stop: async () => {
          child.kill('SIGTERM');
          // Stopping lists and checks every file once more: a periodic rescan finding nothing.
          const rescan = await nextCycle();
          await exited;
          return rescan;
        },
      };
    };
    const watchRuns = {};
    for (const debounceMs of [200, 0]) {
      const watcher = await startWatcher(debounceMs);
      const rounds = [];
      for (let i = 0; i < runs; i++) {
        const full = await timedReport();
        const file = path.join(configDir, 'projects', pick(files));
        const before = requestCounter;
        const chunk = sessionLines(
          path.basename(file, '.jsonl'),
          '/home/dev/src/project0',
          1024 * 1024,
        );
        // Every generated request is new (and sent once): that many lines must reach the stub.
        const target = stub.lines + (requestCounter - before);
        const appendedAt = process.hrtime.bigint();
        fs.appendFileSync(file, chunk);
        const receivedAt = await linesReached(target);
        const round = {
          full,
          bytes: Buffer.byteLength(chunk),
          requests: requestCounter - before,
          seconds: Number(receivedAt - appendedAt) / 1e9,
          cycleMs: 0,
          cpuMs: 0,
          cycles: 0,
        };
        for (let sent = 0; sent < requestCounter - before; ) {
          const cycle = await watcher.nextCycle();
          sent += cycle.sent;
          round.cycleMs += cycle.ms;
          round.cpuMs += cycle.cpuMs;
          round.cycles += 1;
        }
        rounds.push(round);
      }
      const rescan = await watcher.stop();
      watchRuns[debounceMs] = { catchUp: watcher.catchUp, rounds, rescan };
      console.log(
        `push --watch, debounce ${debounceMs} ms: catch-up ${watcher.catchUp.seconds.toFixed(
          2,
        )} s; after +1 MB (${rounds
          .map(r => (r.bytes / 1024 ** 2).toFixed(2))
          .join(' / ')} MB, ${rounds
          .map(r => r.requests)
          .join(' / ')} requests), append -> stub received all: ${rounds
          .map(r => (1000 * r.seconds).toFixed(1))
          .join(' / ')} ms, cycle ${rounds
          .map(r => r.cycleMs.toFixed(1))
          .join(' / ')} ms, cycle CPU ${rounds
          .map(r => r.cpuMs.toFixed(1))
          .join(' / ')} ms (${rounds
          .map(r => r.cycles)
          .join(' / ')} cycle(s)); paired full scans ${rounds
          .map(r => r.full.seconds.toFixed(2))
          .join(' / ')} s, CPU ${rounds
          .map(r => (r.full.cpuMs / 1000).toFixed(2))
          .join(' / ')} s; rescan with nothing new ${rescan.ms.toFixed(
          1,
        )} ms, CPU ${rescan.cpuMs.toFixed(1)} ms`,
      );
    }
    const watchSeries = (key, label, values) => {
      results[key] = { label, min: sorted(values)[0], median: median(values) };
    };
    const w200 = watchRuns[200].rounds;
    const w0 = watchRuns[0].rounds;
    watchSeries('watchCatchUp', 'push --watch: catch-up (first cycle, full)', [
      watchRuns[200].catchUp.seconds,
      watchRuns[0].catchUp.seconds,
    ]);
    watchSeries(
      'watch200',
      'push --watch +1 MB: append -> stub has all (200 ms debounce)',
      w200.map(r => r.seconds),
    );
    watchSeries(
      'watch0',
      'push --watch +1 MB: append -> stub has all (--debounce 0)',
      w0.map(r => r.seconds),
    );
    watchSeries(
      'watchCycle',
      'push --watch +1 MB: cycle wall time (no debounce; stat, read, send, save)',
      [...w200, ...w0].map(r => r.cycleMs / 1000),
    );
    watchSeries(
      'watchCpu',
      'push --watch +1 MB: cycle CPU time (process.cpuUsage)',
      [...w200, ...w0].map(r => r.cpuMs / 1000),
    );
    watchSeries(
      'watchRescan',
      'push --watch: rescan with nothing new (every 30 s)',
      [watchRuns[200].rescan.ms / 1000, watchRuns[0].rescan.ms / 1000],
    );

    if (fs.existsSync(ccusage.v17)) {
      await measure('v17', 'ccusage v17 daily (full scan)', () =>
        ccusageDaily('v17'),
      );
    } else {
      console.log(
        'ccusage v17: not installed (run scripts/install-ccusage.sh)',
      );
    }

    // Once more after the appends, so that all totals cover the same lines.
    await report();
    if (hasV20) await ccusageDaily('v20');

    const full = results.full;
    console.log(`\n| run | min s | median s | median vs collector full scan |`);
    console.log('|---|---:|---:|---:|');
    for (const { label, min, median: med } of Object.values(results)) {
      console.log(
        `| ${label} | ${min.toFixed(2)} | ${med.toFixed(2)} | ${(
          med / full.median
        ).toFixed(3)}x |`,
      );
    }

    const ratio = (a, b) => a / b;
    const verdict = ok => (ok ? 'met' : 'NOT met');
    console.log('\nTargets (median; min in brackets):');
    if (results.v17) {
      const r = ratio(full.median, results.v17.median);
      console.log(
        `- full scan vs ccusage v17: ${r.toFixed(2)}x (${ratio(
          full.min,
          results.v17.min,
        ).toFixed(2)}x), target < 1x: ${verdict(r < 1)}`,
      );
    }
    if (results.v20) {
      const r = ratio(full.median, results.v20.median);
      console.log(
        `- full scan vs ccusage v20: ${r.toFixed(2)}x (${ratio(
          full.min,
          results.v20.min,
        ).toFixed(2)}x; median of the per-round ratios ${pairedV20.toFixed(
          2,
        )}x), target <= 1.5x: ${verdict(r <= 1.5)}`,
      );
    }
    const inc = ratio(results.incremental.median, full.median);
    console.log(
      `- push after +1 MB vs full scan: ${(100 * inc).toFixed(1)}% (${(
        (100 * results.incremental.min) /
        full.min
      ).toFixed(1)}%), target < 2%: ${verdict(inc < 0.02)}`,
    );
    console.log(
      `  of which Node.js start alone: ${(
        (100 * results.node.median) /
        full.median
      ).toFixed(1)}% of the full scan, collector start-up (no transcripts) ${(
        (100 * results.empty.median) /
        full.median
      ).toFixed(1)}%, push with nothing new ${(
        (100 * results.idlePush.median) /
        full.median
      ).toFixed(1)}%`,
    );
    const percent = value => `${(100 * value).toFixed(2)}%`;
    const watchTarget = (label, rounds, value) => {
      // Per round, against the full scan run just before it (same load).
      const ratios = rounds.map(round => value(round) / round.full.seconds);
      const r = median(ratios);
      console.log(
        `- ${label}: ${percent(r)} (${percent(
          sorted(ratios)[0],
        )}) of the full scan; per-round ratios, median ${(
          1000 * median(rounds.map(value))
        ).toFixed(1)} ms against ${median(
          rounds.map(round => round.full.seconds),
        ).toFixed(2)} s; target < 2%: ${verdict(r < 0.02)}`,
      );
    };
    watchTarget(
      'push --watch after +1 MB, append -> stub has every request, default 200 ms debounce',
      w200,
      r => r.seconds,
    );
    watchTarget(
      'push --watch after +1 MB, append -> stub has every request, --debounce 0',
      w0,
      r => r.seconds,
    );
    watchTarget(
      'push --watch after +1 MB, the cycle alone (no debounce: stat, read, parse, send, save state)',
      [...w200, ...w0],
      r => r.cycleMs / 1000,
    );
    const all = [...w200, ...w0];
    const cpuRatios = all.map(r => r.cpuMs / r.full.cpuMs);
    console.log(
      `- push --watch after +1 MB, CPU time of the cycle vs CPU time of the full scan: ${percent(
        median(cpuRatios),
      )} (${percent(sorted(cpuRatios)[0])}); median ${median(
        all.map(r => r.cpuMs),
      ).toFixed(1)} ms against ${(
        median(all.map(r => r.full.cpuMs)) / 1000
      ).toFixed(2)} s`,
    );
    console.log(
      `- push --watch, periodic rescan finding nothing (every 30 s by default): ${(
        1000 * results.watchRescan.median
      ).toFixed(1)} ms`,
    );
    console.log(
      `\nTotal tokens on the final corpus: ${JSON.stringify(totals)}`,
    );
  } finally {
    server.close();
    if (keep || reuse) {
      console.log(`Kept ${reuse ? configDir : temp}`);
    }
    if (!keep) {
      fs.rmSync(temp, { recursive: true, force: true });
    }
  }
}

main().catch(error => {
  console.error(error);
  process.exitCode = 1;
});
