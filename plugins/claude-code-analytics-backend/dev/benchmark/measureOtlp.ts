import { Knex } from 'knex';
import { DateTime } from 'luxon';
import fs from 'node:fs';
import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { RequestRecord } from 'backstage-plugin-claude-code-analytics-common';
import { DEFAULT_PRICING } from '../../src/ingestion/PricingOptions';
import {
  enqueueSessionGroups,
  resumQueuedSessionGroups,
} from '../../src/ingestion/sessionSumQueue';
import { storeRequestRecords } from '../../src/ingestion/writeRequestRecords';
import { toNumber } from '../../src/store/tables';
import { fetchRetryingOnce, percentile } from './report';

export type OtlpFigures = {
  clients: number;
  requestsPerSecond: number;
  pointsPerSecond: number;
  p50: number;
  p99: number;
  errors: number;
  duplicates: number;
  sentRequests: number;
  storedRequests: number;
  sentTokens: number;
  storedTokens: number;
  sentLines: number;
  storedLines: number;
  visibleMs: number;
  /** Lines of the run the adoption API showed when the run ended: do the rollups keep up? */
  linesVisibleAtEnd: number;
  /** The same every 5 s of the run. */
  linesVisibleDuring: number[];
  /** CPU time of the backend's main thread per export, and the exports/s one core could take. */
  cpuMsPerRequest: number;
  /** CPU time of every backend thread per export (decoding threads included). */
  processCpuMsPerRequest: number;
  /** CPU time of the database server per export, when it runs on this machine. */
  databaseCpuMsPerRequest?: number;
  /** The backend's event loop during the run: how long requests waited for it to be free. */
  eventLoopDelayP99Ms: number;
  eventLoopDelayMaxMs: number;
  /** Open-loop runs at fixed rates, as a fleet sends. */
  fleets: FleetFigures[];
  bare: {
    requestsPerSecond: number;
    p50: number;
    p99: number;
    errors: number;
    cpuMsPerRequest: number;
    processCpuMsPerRequest: number;
  };
};

export type FleetFigures = {
  /** Exports per second the fleet sends (on schedule, whatever the answers). */
  offered: number;
  /** Exports per second answered. */
  achieved: number;
  p50: number;
  p99: number;
  errors: number;
  /** Exports not sent because 4,096 were waiting for answers (an exporter's full queue). */
  dropped: number;
  /** 503 answers sent again after their Retry-After, as exporters do. */
  retried: number;
  sentRequests: number;
  storedRequests: number;
  eventLoopDelayP99Ms: number;
  eventLoopDelayMaxMs: number;
  /** Lines added the fleet's answered exports carried, and how many the root's card showed. */
  sentLines: number;
  /** Every 5 s of the run: rollups under the fleet's load (near real time). */
  linesVisibleDuring: number[];
  linesVisibleAtEnd: number;
  /** From the fleet's end until the root's card showed every line (NaN: not within 60 s). */
  visibleMs: number;
  /** CPU time of the backend's main thread, and of all its threads, per export stored. */
  cpuMsPerRequest: number;
  processCpuMsPerRequest: number;
  /** CPU time of the database server per export, when it runs on this machine. */
  databaseCpuMsPerRequest?: number;
  /** The same fleet against the bare HTTP server. */
  bare?: { achieved: number; p99: number; errors: number };
  /** Exports per request (1: each exporter posts its own; more: through a batching collector). */
  batch: number;
};

type LoadResult = {
  /** CPU time of the load clients' own thread. */
  loadCpuMs: number;
  latencies: number[];
  errors: number;
  /** Errors by HTTP status or network error code. */
  errorKinds?: Record<string, number>;
  /** Open loop: exports not sent because 4,096 were already waiting for answers. */
  dropped?: number;
  /** Answers 503 (the backend at its bound of exports in flight) sent again after Retry-After. */
  retried?: number;
  logsSent: number;
  metricsSent: number;
  duplicates: number;
  seconds: number;
};

/**
 * The load clients, in a worker thread so that building requests does not share the backend's
 * event loop: each client posts what one developer's Claude Code exports (log batches every few
 * seconds, a metrics batch now and then), every 50th batch twice, as an exporter retry would.
 */
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
const { createHash, randomBytes } = require('node:crypto');
const { url, headers, logs, metrics, people, seconds, clients, run, rate, connections, batch = 1 } = workerData;
const target = new URL(url);
const agent = new http.Agent({ keepAlive: true, maxSockets: rate ? connections : clients });
const deadline = Date.now() + seconds * 1000;
// Metric intervals within today (UTC), one millisecond apart per client and export.
const baseNano = BigInt(Date.now() - (Date.now() % 86400000) + 60000) * 1000000n;
const latencies = [];
let errors = 0, logsSent = 0, metricsSent = 0, duplicates = 0, dropped = 0, retried = 0;
const errorKinds = {};
// Failed exports (a failed request of a collector's batch fails each export in it).
const failed = (kind, exports = 1) => { errors += exports; errorKinds[kind] = (errorKinds[kind] || 0) + exports; };

// As OpenTelemetry's JavaScript exporters do (otlp-exporter-base's retrying transport), a 503 is
// sent again after its Retry-After, or else after a back-off of 1 s growing 1.5 times a retry
// (20% either way at random, 5 s at most), 5 times at most, and not once that wait would pass the
// export's deadline, 10 s (their default timeout) after its first attempt: it is then lost. (They
// also abort a request still unanswered at the deadline; these clients wait for its answer, so
// that what was stored can be counted against what was answered.) The latency of each export in
// the body counts from its first attempt (starts: one per export).
function post(signal, body, starts = [process.hrtime.bigint()], attempt = 0, deadline = Date.now() + 10000) {
  return new Promise(resolve => {
    const request = http.request({
      host: target.hostname, port: target.port, method: 'POST', agent,
      path: target.pathname + '/v1/' + signal,
      headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    }, response => {
      response.resume();
      response.on('end', () => {
        const retryAfter = Number(response.headers['retry-after']);
        const waitMs = retryAfter > 0
          ? retryAfter * 1000
          : Math.min(1000 * 1.5 ** attempt * (0.8 + Math.random() * 0.4), 5000);
        if (response.statusCode === 503 && attempt < 5 && Date.now() + waitMs <= deadline) {
          retried++;
          setTimeout(() => post(signal, body, starts, attempt + 1, deadline).then(resolve), waitMs);
          return;
        }
        const ok = response.statusCode === 200;
        const now = process.hrtime.bigint();
        if (ok) for (const start of starts) latencies.push(Number(now - start) / 1e6);
        else failed('HTTP ' + response.statusCode, starts.length);
        resolve(ok);
      });
    });
    request.on('error', error => { failed(error.code || error.message, starts.length); resolve(false); });
    request.end(body);
  });
}

// With batch > 1, exports go through a stand-in of an OpenTelemetry Collector's batch processor:
// per signal, they are sent together as one request of batch exports (their resources side by
// side), or of those waiting 200 ms after the first, and each is answered with its request.
const envelopes = { logs: '{"resourceLogs":[', metrics: '{"resourceMetrics":[' };
const batches = { logs: [], metrics: [] };
const timers = {};
function flush(signal) {
  clearTimeout(timers[signal]);
  timers[signal] = undefined;
  const items = batches[signal].splice(0);
  if (items.length === 0) return;
  const body = envelopes[signal] + items.map(item => item.inner).join(',') + ']}';
  post(signal, body, items.map(item => item.start)).then(ok => items.forEach(item => item.resolve(ok)));
}
function send(signal, body, start) {
  if (batch === 1) return post(signal, body, start === undefined ? undefined : [start]);
  if (!body.startsWith(envelopes[signal]) || !body.endsWith(']}')) throw new Error('unexpected body');
  return new Promise(resolve => {
    const waiting = batches[signal];
    waiting.push({ inner: body.slice(envelopes[signal].length, -2), start: start ?? process.hrtime.bigint(), resolve });
    if (waiting.length >= batch) flush(signal);
    else if (!timers[signal]) timers[signal] = setTimeout(() => flush(signal), 200);
  });
}

/**
 * A session id shaped as Claude Code's (a UUID), the same for the same seed and random otherwise:
 * its rows are stored at random places of the keys that hold session ids, as a real fleet's are
 * (ids made of a run, a client and a counter put each client's rows together). It ends with the
 * run's mark, by which the run's rows are counted.
 */
function sessionId(seed) {
  const h = createHash('sha1').update(seed).digest('hex');
  return h.slice(0, 8) + '-' + h.slice(8, 12) + '-4' + h.slice(13, 16) + '-a' + h.slice(17, 20) + '-' + h.slice(20, 32) + '-bench-' + run;
}

/**
 * The k-th export of a sender (a new session every 12 exports) as the person it names, posted. Of
 * all exports (counted by n), every 12th is a metrics batch and every 50th is posted twice, as an
 * exporter's retry would. Its request ids are random too, as the Messages API's are.
 */
async function exportOnce(person, sender, k, n, metricsOffsetMs, start) {
  const c = sender;
  const session = sessionId(run + '-' + c + '-' + Math.floor(k / 12));
  const isMetrics = n % 12 === 5;
  let body;
  if (isMetrics) {
    const begin = baseNano + BigInt(metricsOffsetMs) * 1000000n;
    body = metrics.replaceAll('__EMAIL__', person).replaceAll('__SESSION__', session)
      .replaceAll('__START__', String(begin)).replaceAll('__END__', String(begin + 500000n));
  } else {
    const nano = BigInt(Date.now()) * 1000000n;
    body = logs.replaceAll('__EMAIL__', person).replaceAll('__SESSION__', session)
      .replaceAll('__REQ__', 'req_' + randomBytes(12).toString('hex') + '-')
      .replaceAll('__NANO__', String(nano)).replaceAll('__ISO__', new Date().toISOString());
  }
  const signal = isMetrics ? 'metrics' : 'logs';
  if (await send(signal, body, start)) {
    if (isMetrics) metricsSent++; else logsSent++;
    if (n % 50 === 0 && (await send(signal, body))) duplicates++;
  }
}

/** Closed loop: each client sends its next export as soon as the last one is answered. */
async function client(c) {
  for (let k = 0; Date.now() < deadline; k++) {
    await exportOnce(people[(c + clients * k) % people.length], c, k, k, c * 100000 + k);
  }
}

/**
 * Open loop, as a fleet sends: exports start on schedule (rate per second, round robin over the
 * developers) whatever the backend answers, and each latency counts from its scheduled start, so a
 * backend that falls behind shows it in the tail instead of slowing the senders down.
 */
async function fleet() {
  const started = process.hrtime.bigint();
  const inFlight = new Set();
  let n = 0;
  while (Date.now() < deadline) {
    const due = Math.floor((Number(process.hrtime.bigint() - started) / 1e9) * rate);
    for (; n < due; n++) {
      // An exporter's queue is bounded (the OpenTelemetry SDK's holds 2,048 batches): beyond it,
      // batches are dropped, and counted here.
      if (inFlight.size >= 4096) {
        dropped++;
        continue;
      }
      const scheduled = started + BigInt(Math.round((n / rate) * 1e9));
      const d = n % people.length;
      const sending = exportOnce(people[d], 'f' + d, Math.floor(n / people.length), n, n, scheduled);
      inFlight.add(sending);
      sending.then(() => inFlight.delete(sending));
    }
    await new Promise(resolve => setTimeout(resolve, 2));
  }
  await Promise.all(inFlight);
}

const started = Date.now();
(rate ? fleet() : Promise.all(Array.from({ length: clients }, (_, c) => client(c)))).then(() => {
  agent.destroy();
  const cpu = process.threadCpuUsage();
  parentPort.postMessage({ latencies, errors, errorKinds, logsSent, metricsSent, duplicates, dropped, retried, seconds: (Date.now() - started) / 1000, loadCpuMs: (cpu.user + cpu.system) / 1000 });
});
`;

/** CPU milliseconds of this thread (the backend's event loop; the clients run in a worker). */
function threadCpuMs(): number {
  const usage = (
    process as unknown as {
      threadCpuUsage(): { user: number; system: number };
    }
  ).threadCpuUsage();
  return (usage.user + usage.system) / 1000;
}

async function runLoad(workerData: Record<string, unknown>): Promise<
  LoadResult & {
    cpuMs: number;
    processCpuMs: number;
    eventLoopDelayP99Ms: number;
    eventLoopDelayMaxMs: number;
  }
> {
  const before = threadCpuMs();
  const processBefore = process.cpuUsage();
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const result = await new Promise<LoadResult>((resolve, reject) => {
    const worker = new Worker(WORKER, { eval: true, workerData });
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  delay.disable();
  const processCpu = process.cpuUsage(processBefore);
  return {
    ...result,
    eventLoopDelayP99Ms: delay.percentile(99) / 1e6,
    eventLoopDelayMaxMs: delay.max / 1e6,
    cpuMs: threadCpuMs() - before,
    // Every thread of the process (event loop, decoding threads, the database driver's and the
    // garbage collector's) but the load clients'.
    processCpuMs:
      (processCpu.user + processCpu.system) / 1000 - result.loadCpuMs,
  };
}

const perRequest = (result: LoadResult, ms: number) =>
  ms / Math.max(1, result.logsSent + result.metricsSent + result.duplicates);

type Attribute = { key: string; value: Record<string, unknown> };

function setAttribute(attributes: Attribute[], key: string, value: string) {
  for (const attribute of attributes) {
    if (attribute.key === key) {
      attribute.value = { stringValue: value };
    }
  }
}

/** The real captures with placeholders for who, which session, which request and when. */
function readTemplates(fixtures: string) {
  const logs = JSON.parse(
    fs.readFileSync(path.join(fixtures, 'ada.logs.json'), 'utf8'),
  );
  let apiRequests = 0;
  let tokensPerLogs = 0;
  let recordsPerLogs = 0;
  for (const resourceLogs of logs.resourceLogs) {
    setAttribute(resourceLogs.resource.attributes, 'user.email', '__EMAIL__');
    for (const scopeLogs of resourceLogs.scopeLogs) {
      for (const record of scopeLogs.logRecords) {
        recordsPerLogs++;
        record.timeUnixNano = '__NANO__';
        record.observedTimeUnixNano = '__NANO__';
        const attributes: Attribute[] = record.attributes;
        setAttribute(attributes, 'user.email', '__EMAIL__');
        setAttribute(attributes, 'session.id', '__SESSION__');
        setAttribute(attributes, 'event.timestamp', '__ISO__');
        const value = (key: string) =>
          attributes.find(a => a.key === key)?.value;
        const requestId = value('request_id');
        if (requestId?.stringValue) {
          requestId.stringValue = `__REQ__${requestId.stringValue}`;
        }
        if (value('event.name')?.stringValue === 'api_request') {
          apiRequests++;
          for (const key of [
            'input_tokens',
            'output_tokens',
            'cache_read_tokens',
            'cache_creation_tokens',
          ]) {
            tokensPerLogs += Number(Object.values(value(key) ?? {})[0] ?? 0);
          }
        }
      }
    }
  }
  const metrics = JSON.parse(
    fs.readFileSync(path.join(fixtures, 'ada.metrics.json'), 'utf8'),
  );
  let linesPerMetrics = 0;
  let pointsPerMetrics = 0;
  for (const resourceMetrics of metrics.resourceMetrics) {
    setAttribute(
      resourceMetrics.resource.attributes,
      'user.email',
      '__EMAIL__',
    );
    for (const scopeMetrics of resourceMetrics.scopeMetrics) {
      for (const metric of scopeMetrics.metrics) {
        for (const point of (metric.sum ?? metric.gauge).dataPoints) {
          pointsPerMetrics++;
          point.startTimeUnixNano = '__START__';
          point.timeUnixNano = '__END__';
          setAttribute(point.attributes, 'user.email', '__EMAIL__');
          setAttribute(point.attributes, 'session.id', '__SESSION__');
          const type = point.attributes.find(
            (a: Attribute) => a.key === 'type',
          );
          if (
            metric.name === 'claude_code.lines_of_code.count' &&
            type?.value.stringValue === 'added'
          ) {
            linesPerMetrics += Number(point.asInt ?? point.asDouble);
          }
        }
      }
    }
  }
  return {
    logs: JSON.stringify(logs),
    metrics: JSON.stringify(metrics),
    apiRequests,
    tokensPerLogs,
    recordsPerLogs,
    linesPerMetrics,
    pointsPerMetrics,
  };
}

/**
 * Stores `perPerson` requests of today for each person, as transcripts would, and re-sums their
 * days, so that the run's exports land on days that are already long.
 */
async function preloadDay(
  knex: Knex,
  people: string[],
  perPerson: number,
  log: (message: string) => void,
) {
  const start = Date.now();
  const midnight = start - (start % 86_400_000);
  for (const [p, person] of people.entries()) {
    const records: RequestRecord[] = Array.from(
      { length: perPerson },
      (_, i) => ({
        type: 'request',
        sessionId: `preload-${p}-${Math.floor(i / 100)}`,
        requestId: `preload-${p}-${i}`,
        timestamp: new Date(midnight + ((i * 997) % 3_600_000)).toISOString(),
        identity: person,
        model: 'claude-sonnet-4-5',
        tokens: {
          input: 1200,
          output: 300,
          cacheRead: 20_000,
          cacheCreation: 800,
        },
      }),
    );
    const { groups } = await storeRequestRecords(knex, 'transcripts', records);
    await enqueueSessionGroups(knex, groups);
  }
  await resumQueuedSessionGroups(knex, DEFAULT_PRICING);
  log(
    `OTLP: ${
      people.length
    } people with ${perPerson} requests each today stored in ${(
      (Date.now() - start) /
      1000
    ).toFixed(1)} s`,
  );
}

function rate(result: LoadResult) {
  return (
    (result.logsSent + result.metricsSent + result.duplicates) / result.seconds
  );
}

/**
 * Many concurrent clients post payloads shaped like the real captures for a while; then the stored
 * rows are counted against what was sent (each batch once, retries included), and the time until
 * the adoption API shows all of it is taken. The same clients against a bare HTTP server that only
 * reads the body give the reference.
 */
export async function measureOtlp(options: {
  knex: Knex;
  url: string;
  headers: Record<string, string>;
  fixtures: string;
  people: string[];
  /** Requests each person already sent today, stored before the run (a busy day's afternoon). */
  dayRequests?: number;
  seconds: number;
  clients: number;
  /**
   * Rates (exports/s) of open-loop runs after the closed-loop one; a number below 1 is that share
   * of the closed-loop run's rate.
   */
  fleetRates?: number[];
  /**
   * Connections the fleet opens to the server at most (one per developer at most, as exporters
   * keep theirs; or a proxy's pool in front). Default 2,048.
   */
  fleetConnections?: number;
  /**
   * Exports per request of the fleets: above 1 they reach the server as through an OpenTelemetry
   * Collector's batch processor (that many together, or those of 200 ms). Default 1.
   */
  fleetBatch?: number;
  log: (message: string) => void;
  /**
   * Called before each run against the backend starts: `closed-loop`, then `fleet-N` for the
   * fleet sending N exports/s.
   */
  onLoadStart?: (run: string) => Promise<void> | void;
  /** Called when that run ends (before waiting for the rollups). */
  onLoadEnd?: (run: string) => Promise<void> | void;
  /** CPU milliseconds the database server has used so far, when it runs on this machine. */
  databaseCpuMs?: () => number;
}): Promise<OtlpFigures> {
  const { knex } = options;
  if (options.dayRequests) {
    await preloadDay(knex, options.people, options.dayRequests, options.log);
  }
  const templates = readTemplates(options.fixtures);
  // Session and request ids of this run only: a kept database may hold earlier runs' exports.
  const run = Date.now().toString(36);
  const workerData = {
    run,
    headers: options.headers,
    logs: templates.logs,
    metrics: templates.metrics,
    people: options.people,
    seconds: options.seconds,
    clients: options.clients,
  };

  const bareServer = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', chunk => chunks.push(chunk));
    req.on('end', () => {
      JSON.parse(Buffer.concat(chunks).toString('utf8'));
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  await new Promise<void>(resolve =>
    bareServer.listen(0, '127.0.0.1', resolve),
  );
  options.log(`OTLP: ${options.clients} clients against a bare HTTP server`);
  const bare = process.env.BENCHMARK_SKIP_BARE
    ? {
        latencies: [],
        errors: 0,
        logsSent: 0,
        metricsSent: 0,
        duplicates: 0,
        seconds: 1,
        eventLoopDelayP99Ms: 0,
        eventLoopDelayMaxMs: 0,
        cpuMs: 0,
        loadCpuMs: 0,
        processCpuMs: 0,
      }
    : await runLoad({
        ...workerData,
        url: `http://127.0.0.1:${
          (bareServer.address() as AddressInfo).port
        }/otlp`,
      });
  const bareUrl = `http://127.0.0.1:${
    (bareServer.address() as AddressInfo).port
  }/otlp`;

  const today = DateTime.utc().toISODate()!;
  const base = options.url.replace(/\/otlp$/, '');
  const rootLinesToday = async () => {
    const url = `${base}/v1/entities/group/default/acme/adoption?from=${today}&to=${today}`;
    const response = await fetchRetryingOnce(url, { headers: options.headers });
    return (await response.json()).linesAdded as number;
  };

  /**
   * Runs a load while sampling the root's lines every 5 s (one card request each, on the
   * backend's event loop); then how many lines the card showed at its end, and how long after it
   * the card showed every line the answered exports carried (near real time: the rollups run
   * after the exports; NaN if not within 60 s).
   */
  const withFreshness = async <R extends LoadResult>(
    runIt: () => Promise<R>,
    afterRun?: () => Promise<void> | void,
  ) => {
    const before = await rootLinesToday();
    const samples: Array<Promise<number>> = [];
    const sampling = setInterval(() => {
      samples.push(
        rootLinesToday().then(
          visible => visible - before,
          () => NaN,
        ),
      );
    }, 5000);
    let result: R;
    try {
      result = await runIt();
    } catch (error) {
      // The profiles of a run that failed are written too: they are the ones to look at.
      await afterRun?.();
      throw error;
    } finally {
      clearInterval(sampling);
    }
    const linesVisibleDuring = await Promise.all(samples);
    const ended = Date.now();
    const linesVisibleAtEnd = (await rootLinesToday()) - before;
    await afterRun?.();
    const sentLines = result.metricsSent * templates.linesPerMetrics;
    let visibleMs = NaN;
    for (let attempt = 0; attempt < 600; attempt++) {
      if ((await rootLinesToday()) === before + sentLines) {
        visibleMs = Date.now() - ended;
        break;
      }
      await new Promise(resolve => setTimeout(resolve, 100));
    }
    return {
      result,
      sentLines,
      linesVisibleDuring,
      linesVisibleAtEnd,
      visibleMs,
    };
  };

  /** A run against the backend, with the database server's CPU time during it. */
  const runOnBackend = async (data: Record<string, unknown>) => {
    const before = options.databaseCpuMs?.();
    const result = await runLoad(data);
    const after = options.databaseCpuMs?.();
    return {
      ...result,
      databaseCpuMsPerRequest:
        before === undefined || after === undefined
          ? undefined
          : perRequest(result, after - before),
    };
  };

  options.log(`OTLP: ${options.clients} clients against the backend`);
  await options.onLoadStart?.('closed-loop');
  const {
    result: load,
    sentLines,
    linesVisibleDuring,
    linesVisibleAtEnd,
    visibleMs,
  } = await withFreshness(
    () => runOnBackend({ ...workerData, url: options.url }),
    () => options.onLoadEnd?.('closed-loop'),
  );
  if (load.errors > 0) {
    options.log(`OTLP: errors ${JSON.stringify(load.errorKinds)}`);
  }

  const storedOf = async (runId: string) => {
    const [requests] = await knex('session_requests')
      .where('session_id', 'like', `%-bench-${runId}`)
      .count({ n: '*' })
      .sum({
        input: 'input_tokens',
        output: 'output_tokens',
        cacheRead: 'cache_read_tokens',
        cacheCreation: 'cache_creation_tokens',
      });
    return requests;
  };
  const requests = await storedOf(run);
  const [lines] = await knex('session_metric_points')
    .where('session_id', 'like', `%-bench-${run}`)
    .where('measure', 'lines_added')
    .sum({ n: 'delta' });

  const fleets: FleetFigures[] = [];
  const batch = options.fleetBatch ?? 1;
  const connections = options.fleetConnections ?? 2048;
  for (const [index, fleetRate] of (options.fleetRates ?? []).entries()) {
    const offered = Math.round(
      fleetRate < 1 ? fleetRate * rate(load) : fleetRate,
    );
    const fleetRun = `${run}-f${index + 1}x${offered}`;
    options.log(`OTLP: a fleet sending ${offered} exports/s (open loop)`);
    // The reference: the same fleet against the bare server.
    const bareFleet = process.env.BENCHMARK_SKIP_BARE
      ? undefined
      : await runLoad({
          ...workerData,
          run: `${fleetRun}-bare`,
          rate: offered,
          connections,
          batch,
          url: bareUrl,
        });
    // Named by rate, and by place when a rate comes twice (their profiles are separate files).
    const name = (options.fleetRates ?? []).some(
      (other, i) => i !== index && other === fleetRate,
    )
      ? `fleet-${offered}-${index + 1}`
      : `fleet-${offered}`;
    await options.onLoadStart?.(name);
    const freshness = await withFreshness(
      () =>
        runOnBackend({
          ...workerData,
          run: fleetRun,
          rate: offered,
          connections,
          batch,
          url: options.url,
        }),
      () => options.onLoadEnd?.(name),
    );
    const fleet = freshness.result;
    if (fleet.errors > 0) {
      options.log(`OTLP: fleet errors ${JSON.stringify(fleet.errorKinds)}`);
    }
    // Stored once the last answers are in: each export is stored before it is answered.
    fleets.push({
      batch,
      offered,
      achieved: rate(fleet),
      p50: percentile(fleet.latencies, 50),
      p99: percentile(fleet.latencies, 99),
      errors: fleet.errors,
      dropped: fleet.dropped ?? 0,
      retried: fleet.retried ?? 0,
      sentRequests: fleet.logsSent * templates.apiRequests,
      storedRequests: toNumber((await storedOf(fleetRun)).n),
      eventLoopDelayP99Ms: fleet.eventLoopDelayP99Ms,
      eventLoopDelayMaxMs: fleet.eventLoopDelayMaxMs,
      sentLines: freshness.sentLines,
      linesVisibleDuring: freshness.linesVisibleDuring,
      linesVisibleAtEnd: freshness.linesVisibleAtEnd,
      visibleMs: freshness.visibleMs,
      cpuMsPerRequest: perRequest(fleet, fleet.cpuMs),
      processCpuMsPerRequest: perRequest(fleet, fleet.processCpuMs),
      databaseCpuMsPerRequest: fleet.databaseCpuMsPerRequest,
      bare: bareFleet && {
        achieved: rate(bareFleet),
        p99: percentile(bareFleet.latencies, 99),
        errors: bareFleet.errors + (bareFleet.dropped ?? 0),
      },
    });
  }
  await new Promise(resolve => bareServer.close(resolve));

  return {
    clients: options.clients,
    requestsPerSecond: rate(load),
    pointsPerSecond:
      (load.logsSent * templates.recordsPerLogs +
        load.metricsSent * templates.pointsPerMetrics) /
      load.seconds,
    p50: percentile(load.latencies, 50),
    p99: percentile(load.latencies, 99),
    errors: load.errors,
    duplicates: load.duplicates,
    sentRequests: load.logsSent * templates.apiRequests,
    storedRequests: toNumber(requests.n),
    sentTokens: load.logsSent * templates.tokensPerLogs,
    storedTokens:
      toNumber(requests.input) +
      toNumber(requests.output) +
      toNumber(requests.cacheRead) +
      toNumber(requests.cacheCreation),
    sentLines,
    storedLines: toNumber(lines.n),
    visibleMs,
    linesVisibleAtEnd,
    linesVisibleDuring,
    eventLoopDelayP99Ms: load.eventLoopDelayP99Ms,
    eventLoopDelayMaxMs: load.eventLoopDelayMaxMs,
    fleets,
    cpuMsPerRequest: perRequest(load, load.cpuMs),
    processCpuMsPerRequest: perRequest(load, load.processCpuMs),
    databaseCpuMsPerRequest: load.databaseCpuMsPerRequest,
    bare: {
      cpuMsPerRequest: perRequest(bare, bare.cpuMs),
      processCpuMsPerRequest: perRequest(bare, bare.processCpuMs),
      requestsPerSecond: rate(bare),
      p50: percentile(bare.latencies, 50),
      p99: percentile(bare.latencies, 99),
      errors: bare.errors,
    },
  };
}
